import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.expression.AccessException;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ParserContext;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.TypedValue;
import org.springframework.expression.common.CompositeStringExpression;
import org.springframework.expression.common.LiteralExpression;
import org.springframework.expression.common.TemplateParserContext;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.ReflectivePropertyAccessor;
import org.springframework.expression.spel.support.StandardEvaluationContext;

/**
 * Evaluates ami-tagger's generated expressions with Spring's own SpEL, set up the way Orca sets
 * it up: `${ }` templates, map keys read as properties with null for unknown keys, the helper
 * functions registered, `#stage(` rewritten to take `#root.execution` first, and text fields
 * built from their parts as kork's ExpressionTransform builds them.
 *
 * Input (argv[0]): [{ "execution": {...}, "steps": [{ "id": "...", "text": "...", "storeAs": "key" }] }]
 * Output (stdout): [[{ "id": "...", "status": "ok|null|failed", "value": ..., "reason": "..." }]]
 * A step with storeAs puts its value in the root object for the steps after it, like the
 * outputs of an Evaluate Variables stage.
 */
public class OrcaSpel {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final ParserContext TEMPLATE = new TemplateParserContext("${", "}");
  static final String[] EXECUTION_AWARE = {"stage", "stageByRefId", "stageExists"};

  /** Orca's MapPropertyAccessor with allowUnknownKeys: any map key reads, unknown ones as null. */
  static class MapPropertyAccessor implements PropertyAccessor {
    public Class<?>[] getSpecificTargetClasses() { return new Class<?>[] {Map.class}; }
    public boolean canRead(EvaluationContext context, Object target, String name) { return target instanceof Map; }
    public TypedValue read(EvaluationContext context, Object target, String name) throws AccessException {
      return new TypedValue(((Map<?, ?>) target).get(name));
    }
    public boolean canWrite(EvaluationContext context, Object target, String name) { return false; }
    public void write(EvaluationContext context, Object target, String name, Object newValue) throws AccessException {
      throw new AccessException("read only");
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> stagesOf(Map<String, Object> execution) {
    return (List<Map<String, Object>>) execution.get("stages");
  }

  public static Object stage(Map<String, Object> execution, String id) {
    for (Map<String, Object> stage : stagesOf(execution)) {
      if (id != null && (id.equals(stage.get("name")) || id.equals(stage.get("id")))) return stage;
    }
    throw new IllegalArgumentException("Unable to locate [" + id + "] using #stage(" + id + ")");
  }

  public static Object stageByRefId(Map<String, Object> execution, String refId) {
    for (Map<String, Object> stage : stagesOf(execution)) {
      if (refId != null && refId.equals(stage.get("refId"))) return stage;
    }
    throw new IllegalArgumentException("Unable to locate [" + refId + "] using #stageByRefId(" + refId + ")");
  }

  public static boolean stageExists(Map<String, Object> execution, String id) {
    for (Map<String, Object> stage : stagesOf(execution)) {
      if (id != null && (id.equals(stage.get("name")) || id.equals(stage.get("id")))) return true;
    }
    return false;
  }

  public static String toJson(Object value) throws Exception {
    String json = MAPPER.writeValueAsString(value);
    if (json.contains("${")) throw new IllegalArgumentException("result for toJson cannot contain an expression");
    return json;
  }

  public static String toBase64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  public static String fromBase64(String text) {
    return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
  }

  /** Orca's includeExecutionParameter: `#stage(` becomes `#stage( #root.execution, `. */
  static String includeExecution(String text) {
    String result = text;
    for (String function : EXECUTION_AWARE) {
      if (result.contains("#" + function) && !result.contains("#" + function + "( #root.execution, ")) {
        result = result.replaceAll("#" + function + "\\(", "#" + function + "( #root.execution, ");
      }
    }
    return result;
  }

  static StandardEvaluationContext context(Map<String, Object> root) throws NoSuchMethodException {
    StandardEvaluationContext context = new StandardEvaluationContext(root);
    List<PropertyAccessor> accessors = new ArrayList<>();
    accessors.add(new MapPropertyAccessor());
    accessors.add(new ReflectivePropertyAccessor());
    context.setPropertyAccessors(accessors);
    for (Method method : OrcaSpel.class.getDeclaredMethods()) {
      String name = method.getName();
      if (java.lang.reflect.Modifier.isPublic(method.getModifiers()) && !name.equals("main")) context.registerFunction(name, method);
    }
    return context;
  }

  static Map<String, Object> evaluate(SpelExpressionParser parser, EvaluationContext context, String id, String text) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("id", id);
    try {
      Expression expression = parser.parseExpression(includeExecution(text), TEMPLATE);
      Object value;
      boolean unresolved = false;
      if (expression instanceof CompositeStringExpression) {
        StringBuilder built = new StringBuilder();
        for (Expression part : ((CompositeStringExpression) expression).getExpressions()) {
          String partValue = part.getValue(context, String.class);
          if (partValue == null && !(part instanceof LiteralExpression)) {
            unresolved = true;
            partValue = "${" + part.getExpressionString() + "}";
          }
          built.append(partValue);
        }
        value = built.toString();
      } else {
        value = expression.getValue(context);
      }
      result.put("status", value == null || unresolved ? "null" : "ok");
      result.put("value", value);
    } catch (Exception e) {
      result.put("status", "failed");
      result.put("reason", e.getMessage());
    }
    return result;
  }

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    List<Map<String, Object>> runs = MAPPER.readValue(new File(args[0]), List.class);
    SpelExpressionParser parser = new SpelExpressionParser();
    List<List<Map<String, Object>>> output = new ArrayList<>();
    for (Map<String, Object> run : runs) {
      Map<String, Object> execution = (Map<String, Object>) run.get("execution");
      Map<String, Object> root = new HashMap<>();
      root.put("execution", execution);
      root.put("trigger", execution.get("trigger"));
      StandardEvaluationContext context = context(root);
      List<Map<String, Object>> results = new ArrayList<>();
      for (Map<String, Object> step : (List<Map<String, Object>>) run.get("steps")) {
        Map<String, Object> result = evaluate(parser, context, (String) step.get("id"), (String) step.get("text"));
        Object storeAs = step.get("storeAs");
        if (storeAs != null && "ok".equals(result.get("status"))) root.put((String) storeAs, result.get("value"));
        results.add(result);
      }
      output.add(results);
    }
    System.out.println(MAPPER.writeValueAsString(output));
  }
}
