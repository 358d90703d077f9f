import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.expression.AccessException;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParserContext;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.TypeLocator;
import org.springframework.expression.TypedValue;
import org.springframework.expression.common.CompositeStringExpression;
import org.springframework.expression.common.TemplateParserContext;
import org.springframework.expression.spel.SpelEvaluationException;
import org.springframework.expression.spel.SpelMessage;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.ReflectiveMethodResolver;
import org.springframework.expression.spel.support.ReflectivePropertyAccessor;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.expression.spel.support.StandardTypeLocator;

/**
 * Spring's own SpEL (Debian's spring-expression 4.3) set up the way Orca sets it up, so that the
 * preview can be measured against the real engine. What is Orca's here, and where it comes from:
 *
 * - kork-expressions ExpressionsSupport.createEvaluationContext: a StandardEvaluationContext with
 *   AllowListTypeLocator (T(...) and `new` only for InstantiationTypeRestrictor's types),
 *   FilteredMethodResolver and FilteredPropertyAccessor (no methods of Object but equals, hashCode
 *   and toString, none of Class, only methods and getters whose return type ReturnTypeRestrictor
 *   allows), MapPropertyAccessor(allowUnknownKeys = true) (an unknown map key reads as null).
 * - kork ExpressionTransform: `${ }` templates; a text field is built part by part, each part
 *   converted to a String by Spring (getValue(context, String.class)); a part that is null is
 *   written back as `${expression}` and the field marked unresolved; ExecutionStatus results are
 *   turned into text (typesToStringify).
 * - Orca PipelineExpressionEvaluator.includeExecutionParameter: `#fn(` becomes
 *   `#fn( #root.execution, ` for the functions that take the execution.
 * - Orca ContextParameterProcessor.buildExecutionContext + precomputeValues and StageContext: the
 *   root object is the stage's context with `execution`, `trigger` (as a map), `parameters` (the
 *   trigger's, or an empty map) and `scmInfo` (null); a key the context lacks is looked up in the
 *   outputs of the stage's ancestors (StageExecutionImpl.ancestors(): the stage itself first).
 * - Orca EvaluateVariablesStage.processExpressions (spelEvaluator v4): the variables are evaluated
 *   one by one; each that did not fail is added to the context for the next ones.
 * - The execution and its stages are objects with getters (PipelineExecutionImpl,
 *   StageExecutionImpl, ExecutionStatus, the Trigger), read through FilteredPropertyAccessor.
 * - The helper functions of kork (toJson, toInt, toFloat, toBoolean, toBase64, fromBase64,
 *   alphanumerical) and Orca (stage, stageByRefId, stageExists, judgment, judgement, currentStage,
 *   readJson), with their Java parameter types, so that Spring converts their arguments.
 *
 * Where Spring 4.3 differs from Orca's Spring 5.3 this harness says so where it bridges the gap
 * (FilteredPropertyAccessor below); the other gaps are listed by the differential test
 * (test/conformance/differential/harness-gaps.ts).
 *
 * Input (argv[0]): a JSON list of runs
 *   { "execution": {...}, "stageRefId": "T" (optional), "steps": [{ "id", "text", "storeAs"? }] }
 * Output (stdout): for each run, for each step
 *   { "id", "status": "ok|null|failed", "value": <Jackson JSON of the value>, "type": "...", "reason" }
 */
public class OrcaSpel {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final ParserContext TEMPLATE = new TemplateParserContext("${", "}");
  /** Orca's StageExpressionFunctionProvider functions whose first parameter is the execution. */
  static final String[] EXECUTION_AWARE = {"currentStage", "stageByRefId", "stage", "stageExists", "judgment", "judgement"};

  /** Set per run: the stage whose expressions are evaluated (Orca's ExecutionContext.getStageId()). */
  static String currentStageId;

  // ---------------------------------------------------------------------------------------------
  // kork-expressions allowlist

  /** kork InstantiationTypeRestrictor: the types T(...) and `new` may name. */
  static final Set<Class<?>> INSTANTIATION_ALLOWED = new HashSet<>(Arrays.asList(
      String.class, Date.class, Integer.class, Long.class, Double.class, Byte.class, SimpleDateFormat.class,
      Math.class, Random.class, UUID.class, Boolean.class, LocalDate.class, LocalDateTime.class, DayOfWeek.class,
      Instant.class, ChronoUnit.class, URLEncoder.class, TemporalAdjusters.class));

  /** kork ExpressionsSupport.allowedReturnTypes, with Orca's PipelineExpressionEvaluator.extraAllowedReturnTypes. */
  static final Set<Class<?>> RETURN_ALLOWED = new HashSet<>(Arrays.asList(
      Collection.class, Map.class, SortedMap.class, List.class, Set.class, SortedSet.class, ArrayList.class,
      LinkedList.class, HashSet.class, LinkedHashSet.class, HashMap.class, LinkedHashMap.class, TreeMap.class,
      TreeSet.class, PipelineExecutionImpl.class, StageExecutionImpl.class, Trigger.class, ExecutionStatus.class,
      AuthenticationDetails.class));

  /** kork ReturnTypeRestrictor.supports. */
  static boolean returnAllowed(Class<?> type) {
    Class<?> returnType = type.isArray() ? type.getComponentType() : type;
    return returnType.isPrimitive() || INSTANTIATION_ALLOWED.contains(returnType) || RETURN_ALLOWED.contains(returnType);
  }

  /** kork AllowListTypeLocator. */
  static class AllowListTypeLocator implements TypeLocator {
    private final TypeLocator delegate = new StandardTypeLocator();

    public Class<?> findType(String typeName) throws EvaluationException {
      Class<?> type = delegate.findType(typeName);
      if (INSTANTIATION_ALLOWED.contains(type)) return type;
      throw new SpelEvaluationException(SpelMessage.EXCEPTION_DURING_PROPERTY_READ, typeName);
    }
  }

  /** kork FilteredMethodResolver. */
  static class FilteredMethodResolver extends ReflectiveMethodResolver {
    private static final List<Method> REJECTED = rejectedMethods();

    private static List<Method> rejectedMethods() {
      try {
        List<Method> allowedObjectMethods = Arrays.asList(
            Object.class.getMethod("equals", Object.class), Object.class.getMethod("hashCode"), Object.class.getMethod("toString"));
        List<Method> rejected = new ArrayList<>();
        for (Method method : Object.class.getMethods()) if (!allowedObjectMethods.contains(method)) rejected.add(method);
        for (Method method : Boolean.class.getMethods()) if (method.getName().equals("getBoolean")) rejected.add(method);
        for (Method method : Integer.class.getMethods()) if (method.getName().equals("getInteger")) rejected.add(method);
        for (Method method : Long.class.getMethods()) if (method.getName().equals("getLong")) rejected.add(method);
        rejected.addAll(Arrays.asList(Class.class.getMethods()));
        return rejected;
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    protected Method[] getMethods(Class<?> type) {
      List<Method> methods = new ArrayList<>(Arrays.asList(super.getMethods(type)));
      methods.removeAll(REJECTED);
      methods.removeIf(method -> !returnAllowed(method.getReturnType()));
      return methods.toArray(new Method[0]);
    }
  }

  /**
   * kork FilteredPropertyAccessor. Spring 5.3.1+ (Orca's 5.3.31) also reads a property through a
   * public no-argument method of that name ("record-style", ReflectivePropertyAccessor
   * .findGetterForProperty: `findMethodForProperty(new String[] {propertyName}, "", clazz, ...)`),
   * so `'abc'.length` and `{1,2}.size` read 3 and 2 in Orca; Spring 4.3 lacks it. The harness adds
   * that one lookup here, as 5.3 does, before kork's check.
   */
  static class FilteredPropertyAccessor extends ReflectivePropertyAccessor {
    @Override
    protected Method findGetterForProperty(String propertyName, Class<?> clazz, boolean mustBeStatic) {
      Method getter = super.findGetterForProperty(propertyName, clazz, mustBeStatic);
      if (getter == null) getter = recordStyleAccessor(propertyName, clazz, mustBeStatic);
      if (getter == null) {
        throw new IllegalArgumentException(String.format("requested getter %s not found on type %s", propertyName, clazz));
      } else if (!returnAllowed(getter.getReturnType())) {
        throw new IllegalArgumentException(String.format("found getter for requested %s but rejected due to return type %s", propertyName, getter.getReturnType()));
      }
      return getter;
    }

    /**
     * Spring 4.3's canRead describes the getter as a core Property, whose name it derives from a
     * "get" or "is" in the method's name ("Not a getter method" otherwise); 5.3's Property reads a
     * record-style name too. For such a method the harness answers canRead itself; reading it then
     * goes through createOptimalAccessor, which 4.3 builds without a Property.
     */
    @Override
    public boolean canRead(EvaluationContext context, Object target, String name) throws AccessException {
      if (target != null && !(target instanceof Class) && !target.getClass().isArray()) {
        Method getter = findGetterForProperty(name, target.getClass(), false);
        if (getter != null && !getter.getName().contains("get") && !getter.getName().contains("is")) return true;
      }
      return super.canRead(context, target, name);
    }

    /** Spring 5.3's ReflectivePropertyAccessor.findMethodForProperty with the prefix "" (sorted methods, first match). */
    private Method recordStyleAccessor(String propertyName, Class<?> clazz, boolean mustBeStatic) {
      Method[] methods = clazz.getMethods();
      Arrays.sort(methods, (a, b) -> a.isBridge() == b.isBridge() ? 0 : a.isBridge() ? 1 : -1);
      for (Method method : methods) {
        if (method.getName().equals(propertyName) && method.getParameterCount() == 0
            && (!mustBeStatic || Modifier.isStatic(method.getModifiers()))) return method;
      }
      return null;
    }

    @Override
    protected Field findField(String name, Class<?> clazz, boolean mustBeStatic) {
      Field field = super.findField(name, clazz, mustBeStatic);
      if (field == null) {
        throw new IllegalArgumentException(String.format("requested field %s not found on type %s", name, clazz));
      } else if (!returnAllowed(field.getType())) {
        throw new IllegalArgumentException(String.format("found field %s but rejected due to unsupported type %s", name, clazz));
      }
      return field;
    }
  }

  /**
   * kork MapPropertyAccessor(allowUnknownKeys = true), which extends spring-context's MapAccessor
   * (not in Debian's spring-expression): map keys read as properties; an unknown key is null.
   */
  static class MapPropertyAccessor implements PropertyAccessor {
    public Class<?>[] getSpecificTargetClasses() { return new Class<?>[] {Map.class}; }

    public boolean canRead(EvaluationContext context, Object target, String name) { return true; }

    public TypedValue read(EvaluationContext context, Object target, String name) throws AccessException {
      Map<?, ?> map = (Map<?, ?>) target;
      Object value = map.get(name);
      if (value == null && !map.containsKey(name)) return TypedValue.NULL;
      return new TypedValue(value);
    }

    public boolean canWrite(EvaluationContext context, Object target, String name) { return true; }

    @SuppressWarnings("unchecked")
    public void write(EvaluationContext context, Object target, String name, Object newValue) {
      ((Map<Object, Object>) target).put(name, newValue);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Orca's model: the execution and its stages as the objects Orca reads (getters only)

  /** orca-api ExecutionStatus: an enum that is also a CharSequence (so `status == 'SUCCEEDED'` holds). */
  public enum ExecutionStatus implements CharSequence {
    NOT_STARTED(false, false), RUNNING(false, false), PAUSED(false, false), SUSPENDED(false, false),
    SUCCEEDED(true, false), FAILED_CONTINUE(true, false), TERMINAL(true, true), CANCELED(true, true),
    REDIRECT(false, false), STOPPED(true, true), SKIPPED(true, false), BUFFERED(false, false);

    private final boolean complete;
    private final boolean halt;

    ExecutionStatus(boolean complete, boolean halt) {
      this.complete = complete;
      this.halt = halt;
    }

    public final boolean isComplete() { return complete; }
    public final boolean isSkipped() { return this == SKIPPED; }
    public final boolean isHalt() { return halt; }
    public boolean isSuccessful() { return this == SUCCEEDED || this == STOPPED || this == SKIPPED; }
    public boolean isFailure() { return this == TERMINAL || this == STOPPED || this == FAILED_CONTINUE; }
    public int length() { return toString().length(); }
    public char charAt(int index) { return toString().charAt(index); }
    public CharSequence subSequence(int start, int end) { return toString().subSequence(start, end); }
  }

  /** Not in kork's or Orca's allowed return types: a getter returning them is refused. */
  public enum ExecutionType { PIPELINE, ORCHESTRATION }

  public enum SyntheticStageOwner { STAGE_BEFORE, STAGE_AFTER }

  static String text(Map<String, Object> map, String key) {
    Object value = map.get(key);
    return value == null ? null : value.toString();
  }

  static Long number(Map<String, Object> map, String key) {
    Object value = map.get(key);
    return value instanceof Number ? ((Number) value).longValue() : null;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> mapOf(Object value) {
    return value instanceof Map ? (Map<String, Object>) value : new LinkedHashMap<>();
  }

  /** PipelineExecution.AuthenticationDetails. */
  public static class AuthenticationDetails {
    private final Map<String, Object> json;

    AuthenticationDetails(Map<String, Object> json) { this.json = json; }

    public String getUser() { return text(json, "user"); }

    @SuppressWarnings("unchecked")
    public Collection<String> getAllowedAccounts() {
      Object accounts = json.get("allowedAccounts");
      return accounts instanceof Collection ? new LinkedHashSet<>((Collection<String>) accounts) : Collections.emptySet();
    }
  }

  /** orca-api Trigger (what `execution.trigger` returns; the root's `trigger` is a map). */
  public static class Trigger {
    private final Map<String, Object> json;

    Trigger(Map<String, Object> json) { this.json = json; }

    public String getType() { return text(json, "type"); }
    public String getCorrelationId() { return text(json, "correlationId"); }
    public String getUser() { return text(json, "user"); }
    public Map<String, Object> getParameters() { return mapOf(json.get("parameters")); }
    @SuppressWarnings("unchecked")
    public List<Object> getArtifacts() { return json.get("artifacts") instanceof List ? (List<Object>) json.get("artifacts") : new ArrayList<>(); }
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> getNotifications() { return json.get("notifications") instanceof List ? (List<Map<String, Object>>) json.get("notifications") : new ArrayList<>(); }
    public boolean isRebake() { return Boolean.TRUE.equals(json.get("rebake")); }
    public boolean isDryRun() { return Boolean.TRUE.equals(json.get("dryRun")); }
    public boolean isStrategy() { return Boolean.TRUE.equals(json.get("strategy")); }
    @SuppressWarnings("unchecked")
    public List<Object> getResolvedExpectedArtifacts() { return json.get("resolvedExpectedArtifacts") instanceof List ? (List<Object>) json.get("resolvedExpectedArtifacts") : new ArrayList<>(); }
    public Map<String, Object> getOther() { return mapOf(json.get("other")); }
  }

  /** orca-core PipelineExecutionImpl, the getters of PipelineExecution. */
  public static class PipelineExecutionImpl {
    private final Map<String, Object> json;
    private final List<StageExecutionImpl> stages = new ArrayList<>();
    private final Trigger trigger;

    @SuppressWarnings("unchecked")
    PipelineExecutionImpl(Map<String, Object> json) {
      this.json = json;
      Object list = json.get("stages");
      if (list instanceof List) for (Object stage : (List<Object>) list) stages.add(new StageExecutionImpl(this, mapOf(stage)));
      this.trigger = new Trigger(mapOf(json.get("trigger")));
    }

    public ExecutionType getType() { return "ORCHESTRATION".equalsIgnoreCase(text(json, "type")) ? ExecutionType.ORCHESTRATION : ExecutionType.PIPELINE; }
    public String getId() { return text(json, "id"); }
    public String getApplication() { return text(json, "application"); }
    public String getName() { return text(json, "name"); }
    public Long getBuildTime() { return number(json, "buildTime"); }
    public boolean isCanceled() { return Boolean.TRUE.equals(json.get("canceled")); }
    public String getCanceledBy() { return text(json, "canceledBy"); }
    public String getCancellationReason() { return text(json, "cancellationReason"); }
    public boolean isLimitConcurrent() { return Boolean.TRUE.equals(json.get("limitConcurrent")); }
    public int getMaxConcurrentExecutions() { Long value = number(json, "maxConcurrentExecutions"); return value == null ? 0 : value.intValue(); }
    public boolean isKeepWaitingPipelines() { return Boolean.TRUE.equals(json.get("keepWaitingPipelines")); }
    public List<StageExecutionImpl> getStages() { return stages; }
    public Long getStartTime() { return number(json, "startTime"); }
    public Long getEndTime() { return number(json, "endTime"); }
    public Long getStartTimeExpiry() { return number(json, "startTimeExpiry"); }
    public ExecutionStatus getStatus() { return json.get("status") == null ? ExecutionStatus.NOT_STARTED : ExecutionStatus.valueOf(text(json, "status")); }
    public AuthenticationDetails getAuthentication() { return json.get("authentication") == null ? null : new AuthenticationDetails(mapOf(json.get("authentication"))); }
    public String getOrigin() { return text(json, "origin"); }
    public Trigger getTrigger() { return trigger; }
    public String getDescription() { return text(json, "description"); }
    public String getPipelineConfigId() { return text(json, "pipelineConfigId"); }
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> getNotifications() { return json.get("notifications") instanceof List ? (List<Map<String, Object>>) json.get("notifications") : new ArrayList<>(); }
    public String getSpelEvaluator() { return text(json, "spelEvaluator"); }
    public Map<String, Object> getTemplateVariables() { return json.get("templateVariables") == null ? null : mapOf(json.get("templateVariables")); }
    public String getPartition() { return text(json, "partition"); }

    /** PipelineExecutionImpl.equals/hashCode: by id. */
    @Override
    public boolean equals(Object other) { return other instanceof PipelineExecutionImpl && java.util.Objects.equals(getId(), ((PipelineExecutionImpl) other).getId()); }

    @Override
    public int hashCode() { return java.util.Objects.hash(getId()); }

    StageExecutionImpl stageWithId(String id) {
      for (StageExecutionImpl stage : stages) if (stage.getId().equals(id)) return stage;
      return null;
    }
  }

  /** orca-core StageExecutionImpl, the getters of StageExecution. */
  public static class StageExecutionImpl {
    private final PipelineExecutionImpl execution;
    private final Map<String, Object> json;
    private final Map<String, Object> context;
    private final Map<String, Object> outputs;

    StageExecutionImpl(PipelineExecutionImpl execution, Map<String, Object> json) {
      this.execution = execution;
      this.json = json;
      this.context = mapOf(json.get("context"));
      this.outputs = mapOf(json.get("outputs"));
    }

    public String getId() { return text(json, "id"); }
    public String getRefId() { return text(json, "refId"); }
    public String getType() { return text(json, "type"); }
    public String getName() { return text(json, "name"); }
    public PipelineExecutionImpl getExecution() { return execution; }
    public Long getStartTime() { return number(json, "startTime"); }
    public Long getEndTime() { return number(json, "endTime"); }
    public Long getStartTimeExpiry() { return number(json, "startTimeExpiry"); }
    public Long getScheduledTime() { return number(json, "scheduledTime"); }
    public ExecutionStatus getStatus() { return json.get("status") == null ? ExecutionStatus.NOT_STARTED : ExecutionStatus.valueOf(text(json, "status")); }
    public Map<String, Object> getContext() { return context; }
    public Map<String, Object> getOutputs() { return outputs; }
    @SuppressWarnings("unchecked")
    public List<Object> getTasks() { return json.get("tasks") instanceof List ? (List<Object>) json.get("tasks") : new ArrayList<>(); }
    public SyntheticStageOwner getSyntheticStageOwner() { return json.get("syntheticStageOwner") == null ? null : SyntheticStageOwner.valueOf(text(json, "syntheticStageOwner")); }
    public String getParentStageId() { return text(json, "parentStageId"); }
    @SuppressWarnings("unchecked")
    public Collection<String> getRequisiteStageRefIds() { return json.get("requisiteStageRefIds") instanceof List ? (List<String>) json.get("requisiteStageRefIds") : new ArrayList<>(); }
    public boolean isJoin() { return getRequisiteStageRefIds().size() > 1; }
    public boolean isManualJudgmentType() { return "manualJudgment".equals(getType()); }
    public StageExecutionImpl getParent() { return getParentStageId() == null ? null : execution.stageWithId(getParentStageId()); }

    /** StageExecutionImpl.equals/hashCode: by id. */
    @Override
    public boolean equals(Object other) { return other instanceof StageExecutionImpl && java.util.Objects.equals(getId(), ((StageExecutionImpl) other).getId()); }

    @Override
    public int hashCode() { return java.util.Objects.hash(getId()); }

    /** StageExecutionImpl.ancestors() and StageExecutionInternals.getAncestorsImpl: the stage itself first. */
    public List<StageExecutionImpl> ancestors() {
      List<StageExecutionImpl> result = new ArrayList<>();
      result.add(this);
      result.addAll(ancestorsOf(this, new HashSet<>()));
      return result;
    }

    private static List<StageExecutionImpl> ancestorsOf(StageExecutionImpl stage, Set<String> visited) {
      visited.add(stage.getRefId());
      List<StageExecutionImpl> all = stage.execution.getStages();
      List<StageExecutionImpl> result = new ArrayList<>();
      if (!stage.getRequisiteStageRefIds().isEmpty()) {
        List<StageExecutionImpl> previous = new ArrayList<>();
        for (StageExecutionImpl it : all) {
          if (!visited.contains(it.getRefId()) && stage.getRequisiteStageRefIds().contains(it.getRefId())) previous.add(it);
        }
        result.addAll(previous);
        for (StageExecutionImpl s : all) {
          if (s.getSyntheticStageOwner() == null) continue;
          for (StageExecutionImpl p : previous) if (p.getId().equals(s.getParentStageId())) { result.add(s); break; }
        }
        for (StageExecutionImpl p : previous) result.addAll(ancestorsOf(p, visited));
      } else if (stage.getParentStageId() != null && !visited.contains(stage.getParentStageId())) {
        if (stage.getSyntheticStageOwner() == SyntheticStageOwner.STAGE_AFTER) {
          for (StageExecutionImpl it : all) {
            if (stage.getParentStageId().equals(it.getParentStageId()) && it.getSyntheticStageOwner() == SyntheticStageOwner.STAGE_BEFORE) result.add(it);
          }
        }
        for (StageExecutionImpl parent : all) {
          if (parent.getId().equals(stage.getParentStageId())) {
            result.add(parent);
            result.addAll(ancestorsOf(parent, visited));
            break;
          }
        }
      }
      return result;
    }
  }

  /**
   * Orca's StageContext: the map built by buildExecutionContext; a key it does not hold is looked
   * up in the outputs of the stage's ancestors, nearest first. containsKey sees the map only.
   */
  static class StageContext extends HashMap<String, Object> {
    private final StageExecutionImpl stage;

    StageContext(StageExecutionImpl stage, Map<String, Object> values) {
      super(values);
      this.stage = stage;
    }

    @Override
    public Object get(Object key) {
      if (stage == null || super.containsKey(key)) return super.get(key);
      for (StageExecutionImpl ancestor : stage.ancestors()) {
        if (ancestor.getOutputs().containsKey(key)) return ancestor.getOutputs().get(key);
      }
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helper functions: kork's ExpressionsSupport and Orca's StageExpressionFunctionProvider and
  // UrlExpressionFunctionProvider (readJson), with their parameter types.

  public static class Functions {
    public static String toJson(Object value) throws Exception {
      String json = MAPPER.writeValueAsString(value);
      if (json != null && json.contains("${")) throw new IllegalArgumentException("result for toJson cannot contain an expression");
      return json;
    }

    public static Integer toInt(String text) { return Integer.valueOf(text); }

    public static Float toFloat(String text) { return Float.valueOf(text); }

    public static Boolean toBoolean(String text) { return Boolean.valueOf(text); }

    /** kork writes text.getBytes() (the platform charset); the harness runs with -Dfile.encoding=UTF-8. */
    public static String toBase64(String text) { return Base64.getEncoder().encodeToString(text.getBytes()); }

    public static String fromBase64(String text) { return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8); }

    public static String alphanumerical(String text) { return text.replaceAll("[^A-Za-z0-9]", ""); }

    public static Object readJson(String text) throws Exception {
      if (text.startsWith("[")) return MAPPER.readValue(text, List.class);
      return MAPPER.readValue(text, Map.class);
    }

    public static StageExecutionImpl currentStage(PipelineExecutionImpl execution) {
      for (StageExecutionImpl stage : execution.getStages()) if (stage.getId().equalsIgnoreCase(currentStageId)) return stage;
      throw new IllegalArgumentException("No stage found with id '" + currentStageId + "'");
    }

    public static StageExecutionImpl stageByRefId(PipelineExecutionImpl execution, String refId) {
      if (refId == null) throw new IllegalArgumentException("Stage refId must not be null in #stageByRefId in execution " + execution.getId());
      for (StageExecutionImpl stage : execution.getStages()) if (refId.equals(stage.getRefId())) return stage;
      throw new IllegalArgumentException(String.format("Unable to locate [%1$s] using #stageByRefId(%1$s) in execution %2$s", refId, execution.getId()));
    }

    public static StageExecutionImpl stage(PipelineExecutionImpl execution, String id) {
      for (StageExecutionImpl stage : execution.getStages()) if (id != null && (id.equals(stage.getName()) || id.equals(stage.getId()))) return stage;
      throw new IllegalArgumentException(String.format("Unable to locate [%s] using #stage(%s) in execution %s", id, id, execution.getId()));
    }

    public static boolean stageExists(PipelineExecutionImpl execution, String id) {
      for (StageExecutionImpl stage : execution.getStages()) if (id != null && (id.equals(stage.getName()) || id.equals(stage.getId()))) return true;
      return false;
    }

    public static String judgment(PipelineExecutionImpl execution, String id) {
      for (StageExecutionImpl stage : execution.getStages()) {
        if (id != null && id.equals(stage.getName()) && stage.getContext() != null && stage.getType().equals("manualJudgment") && stage.getContext().get("judgmentInput") != null) {
          return (String) stage.getContext().get("judgmentInput");
        }
      }
      throw new IllegalArgumentException(String.format("Unable to locate manual Judgment stage [%s] using #judgment(%s) in execution %s. Stage doesn't exist or doesn't contain judgmentInput in its context ", id, id, execution.getId()));
    }

    public static String judgement(PipelineExecutionImpl execution, String id) { return judgment(execution, id); }
  }

  /** Orca's includeExecutionParameter. */
  static String includeExecution(String text) {
    String result = text;
    for (String function : EXECUTION_AWARE) {
      if (result.contains("#" + function) && !result.contains("#" + function + "( #root.execution, ")) {
        result = result.replaceAll("#" + function + "\\(", "#" + function + "( #root.execution, ");
      }
    }
    return result;
  }

  static StandardEvaluationContext context(Map<String, Object> root) {
    StandardEvaluationContext context = new StandardEvaluationContext(root);
    context.setTypeLocator(new AllowListTypeLocator());
    context.setMethodResolvers(Collections.singletonList(new FilteredMethodResolver()));
    context.setPropertyAccessors(Arrays.asList(new MapPropertyAccessor(), new FilteredPropertyAccessor()));
    for (Method method : Functions.class.getDeclaredMethods()) {
      if (Modifier.isPublic(method.getModifiers())) context.registerFunction(method.getName(), method);
    }
    return context;
  }

  /** Orca's ContextParameterProcessor.buildExecutionContext(stage) + precomputeValues. */
  static Map<String, Object> rootFor(PipelineExecutionImpl execution, Map<String, Object> json, StageExecutionImpl stage) {
    Map<String, Object> values = new HashMap<>();
    if (stage != null) values.putAll(stage.getContext());
    values.put("execution", execution);
    values.put("trigger", mapOf(json.get("trigger")));
    Map<String, Object> parameters = execution.getTrigger().getParameters();
    if (!parameters.isEmpty()) values.put("parameters", parameters);
    else if (!values.containsKey("parameters")) values.put("parameters", Collections.emptyMap());
    values.put("scmInfo", null);
    return new StageContext(stage, values);
  }

  /** Spring's class for the result, as the differential test compares it. */
  static String typeOf(Object value) {
    if (value == null) return "null";
    if (value instanceof List) return "List";
    if (value instanceof Set) return "Set";
    if (value instanceof Map) return "Map";
    if (value instanceof Collection) return "Collection";
    if (value.getClass().isArray()) return value.getClass().getComponentType().getSimpleName() + "[]";
    return value.getClass().getSimpleName();
  }

  /** kork ExpressionTransform.transform for one string. */
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
          if (partValue == null) {
            partValue = String.format("${%s}", part.getExpressionString());
            unresolved = true;
          }
          built.append(partValue);
        }
        value = built.toString();
      } else {
        value = expression.getValue(context);
      }
      if (value instanceof ExecutionStatus) value = value.toString();
      result.put("status", value == null || unresolved ? "null" : "ok");
      result.put("value", value == null ? text : value);
      result.put("type", typeOf(value == null ? text : value));
    } catch (Exception e) {
      result.put("status", "failed");
      result.put("value", text);
      result.put("reason", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    return result;
  }

  /** The value as Jackson writes it (kork's #toJson mapper), or null for what it cannot write. */
  static Object serializable(Map<String, Object> result) {
    Object value = result.get("value");
    try {
      result.put("json", MAPPER.writeValueAsString(value));
    } catch (Exception | StackOverflowError e) {
      result.put("json", null);
    }
    result.remove("value");
    return result;
  }

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    List<Map<String, Object>> runs = MAPPER.readValue(new File(args[0]), List.class);
    SpelExpressionParser parser = new SpelExpressionParser();
    List<List<Object>> output = new ArrayList<>();
    for (Map<String, Object> run : runs) {
      Map<String, Object> json = (Map<String, Object>) run.get("execution");
      PipelineExecutionImpl execution = new PipelineExecutionImpl(json);
      String stageRefId = (String) run.get("stageRefId");
      StageExecutionImpl stage = null;
      for (StageExecutionImpl candidate : execution.getStages()) if (stageRefId != null && stageRefId.equals(candidate.getRefId())) stage = candidate;
      currentStageId = stage == null ? null : stage.getId();
      Map<String, Object> root = rootFor(execution, json, stage);
      StandardEvaluationContext context = context(root);
      List<Object> results = new ArrayList<>();
      for (Map<String, Object> step : (List<Map<String, Object>>) run.get("steps")) {
        Object text = step.get("text");
        if (!(text instanceof String)) {
          // EvaluateVariablesStage evaluates String values only; others stay as they are, out of the context.
          Map<String, Object> result = new LinkedHashMap<>();
          result.put("id", step.get("id"));
          result.put("status", "ok");
          result.put("value", text);
          result.put("type", typeOf(text));
          results.add(serializable(result));
          continue;
        }
        Map<String, Object> result = evaluate(parser, context, (String) step.get("id"), (String) text);
        Object storeAs = step.get("storeAs");
        // EvaluateVariablesStage: a variable that did not fail goes into the context, evaluated or as written.
        if (storeAs != null && !"failed".equals(result.get("status"))) root.put((String) storeAs, result.get("value"));
        results.add(serializable(result));
      }
      output.add(results);
    }
    // Non-ASCII escaped, so that text with a lone surrogate ('😀'.charAt(0)) reaches the test as it is.
    ObjectMapper out = new ObjectMapper();
    out.getFactory().configure(com.fasterxml.jackson.core.JsonGenerator.Feature.ESCAPE_NON_ASCII, true);
    System.out.println(out.writeValueAsString(output));
  }
}
