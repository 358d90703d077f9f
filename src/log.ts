/** Fields of one structured log line. */
export type LogFields = Record<string, unknown>;

/** The structured logger the engine's entry points write to (Powertools' Logger fits it). */
export interface EventLog {
  info(message: string, fields: LogFields): void;
  warn(message: string, fields: LogFields): void;
  error(message: string, fields: LogFields): void;
}
