import { JavaException } from './java-methods';
import { JavaNumber, javaRealToString } from './java-numbers';
import { fromData, JavaChar, javaHashCode, javaToString } from './java-values';

/**
 * java.util.Formatter for String.format and formatted(): `%[index$][flags][width][.precision]conv`
 * with the conversions s S b B c C d o x X e E f n %. Numbers are written as Java writes them
 * (`%.2f` rounds the decimal digits of Double.toString half up); a conversion the preview does not
 * know is an error rather than a guess.
 */

const SPEC = /%(\d+\$)?([-#+ 0,(<]*)(\d+)?(\.\d+)?([a-zA-Z%])/g;

function pad(text: string, width: number | undefined, flags: string): string {
  if (width === undefined || text.length >= width) return text;
  if (flags.includes('-')) return text.padEnd(width);
  if (flags.includes('0')) {
    const sign = /^[+-]/.test(text) ? text.charAt(0) : '';
    return sign + text.slice(sign.length).padStart(width - sign.length, '0');
  }
  return text.padStart(width);
}

function grouped(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Rounds the decimal form Java gives a double (Double.toString), half up, to `precision` places. */
function fixed(value: number, precision: number): string {
  const [mantissa = '0', exponent] = javaRealToString(Math.abs(value), 'double').split('E');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  // |value| = digits × 10^-scale
  const scale = fraction.length - (exponent === undefined ? 0 : Number(exponent));
  let digits = BigInt(whole + fraction);
  const shift = precision - scale;
  if (shift >= 0) {
    digits *= 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    digits = digits / divisor + ((digits % divisor) * 2n >= divisor ? 1n : 0n);
  }
  const text = digits.toString().padStart(precision + 1, '0');
  const result = precision === 0 ? text : `${text.slice(0, -precision)}.${text.slice(-precision)}`;
  return (value < 0 || Object.is(value, -0) ? '-' : '') + result;
}

/** `%e`: one digit, the fraction rounded half up, and an exponent of at least two digits (`1.234568e+04`). */
function scientific(value: number, precision: number): string {
  if (value === 0) return `${Object.is(value, -0) ? '-' : ''}${(0).toFixed(precision)}e+00`;
  const [mantissa = '0', exponentText] = javaRealToString(Math.abs(value), 'double').split('E');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  const digitsText = (whole + fraction).replace(/^0+/, '');
  let exponent = (exponentText === undefined ? 0 : Number(exponentText)) + whole.replace(/^0+/, '').length - 1 - (whole.replace(/^0+/, '') === '' ? fraction.length - fraction.replace(/^0+/, '').length : 0);
  let digits = BigInt(digitsText || '0');
  const keep = precision + 1;
  if (digitsText.length > keep) {
    const divisor = 10n ** BigInt(digitsText.length - keep);
    digits = digits / divisor + ((digits % divisor) * 2n >= divisor ? 1n : 0n);
  } else {
    digits *= 10n ** BigInt(keep - digitsText.length);
  }
  if (digits.toString().length > keep) {
    digits /= 10n;
    exponent++;
  }
  const text = digits.toString();
  const body = precision === 0 ? text : `${text.charAt(0)}.${text.slice(1)}`;
  return `${value < 0 ? '-' : ''}${body}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

export function javaFormat(format: string, args: readonly unknown[]): string {
  let next = 0;
  let last = -1;
  return format.replace(SPEC, (spec: string, index: string | undefined, flags: string, widthText: string | undefined, precisionText: string | undefined, conversion: string) => {
    if (conversion === 'n') return '\n';
    if (conversion === '%') return pad('%', widthText === undefined ? undefined : Number(widthText), flags);
    const position = flags.includes('<') ? last : index !== undefined ? Number(index.slice(0, -1)) - 1 : next++;
    last = position;
    if (position >= args.length) throw new JavaException('java.util.MissingFormatArgumentException', `Format specifier '${spec}'`);
    const arg = fromData(args[position]);
    const width = widthText === undefined ? undefined : Number(widthText);
    const precision = precisionText === undefined ? undefined : Number(precisionText.slice(1));
    switch (conversion) {
      case 's':
      case 'S': {
        const text = javaToString(arg);
        const cut = precision === undefined ? text : text.slice(0, precision);
        return pad(conversion === 'S' ? cut.toUpperCase() : cut, width, flags);
      }
      case 'b':
      case 'B': {
        const text = String(arg === null ? false : typeof arg === 'boolean' ? arg : true);
        return pad(conversion === 'B' ? text.toUpperCase() : text, width, flags);
      }
      case 'c':
      case 'C': {
        const text = arg === null ? 'null' : arg instanceof JavaChar ? arg.text : arg instanceof JavaNumber && arg.isIntegral ? String.fromCodePoint(arg.toInt()) : badArg(conversion, arg);
        return pad(conversion === 'C' ? text.toUpperCase() : text, width, flags);
      }
      case 'd':
      case 'o':
      case 'x':
      case 'X': {
        if (arg === null) return pad('null', width, flags);
        if (!(arg instanceof JavaNumber) || !arg.isIntegral) return badArg(conversion, arg);
        const value = arg.toLong();
        if (conversion === 'd') {
          const digits = (value < 0n ? -value : value).toString();
          const body = flags.includes(',') ? grouped(digits) : digits;
          const sign = value < 0n ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
          return pad(sign + body, width, flags);
        }
        const bits = arg.kind === 'long' ? 64 : arg.kind === 'int' ? 32 : arg.kind === 'short' ? 16 : 8;
        const unsigned = BigInt.asUintN(bits, value);
        const body = unsigned.toString(conversion === 'o' ? 8 : 16);
        return pad(conversion === 'X' ? body.toUpperCase() : body, width, flags);
      }
      case 'f':
      case 'e':
      case 'E': {
        if (arg === null) return pad('null', width, flags);
        if (!(arg instanceof JavaNumber) || arg.isIntegral) return badArg(conversion, arg);
        const value = arg.toDouble();
        if (!Number.isFinite(value)) return pad(Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity', width, flags);
        if (conversion !== 'f') {
          const body = scientific(value, precision ?? 6);
          return pad(conversion === 'E' ? body.toUpperCase() : body, width, flags);
        }
        let body = fixed(value, precision ?? 6);
        if (flags.includes(',')) body = body.replace(/^(-?)(\d+)/, (_: string, sign: string, digits: string) => sign + grouped(digits));
        if (flags.includes('+') && !body.startsWith('-')) body = `+${body}`;
        return pad(body, width, flags);
      }
      case 'h':
      case 'H': {
        const text = arg === null ? 'null' : (javaHashCode(arg) >>> 0).toString(16);
        return pad(conversion === 'H' ? text.toUpperCase() : text, width, flags);
      }
      default:
        throw new JavaException('java.util.UnknownFormatConversionException', `Conversion = '${conversion}'`);
    }
  });
}

function badArg(conversion: string, arg: unknown): never {
  throw new JavaException('java.util.IllegalFormatConversionException', `${conversion} != ${arg === null ? 'null' : typeof arg === 'string' ? 'java.lang.String' : String(arg)}`);
}
