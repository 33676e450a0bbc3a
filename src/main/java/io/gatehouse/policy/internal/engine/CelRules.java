package io.gatehouse.policy.internal.engine;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import java.util.Map;

/**
 * The CEL environment rules are compiled in: the documented context variables (see docs/policy.md)
 * with their types, the standard library plus the strings extension, and limits that keep a rule's
 * cost bounded (expression size, comprehension iterations).
 */
public final class CelRules {
  /** A compiled boolean expression. */
  public record Condition(String source, CelRuntime.Program program) {
    /** Evaluates against the context; anything but a boolean is an error. */
    public boolean test(Map<String, ?> context) throws RuleEvaluationException {
      try {
        return result(program.eval(context));
      } catch (CelEvaluationException e) {
        throw new RuleEvaluationException(e.getMessage(), e);
      } catch (RuntimeException e) {
        throw new RuleEvaluationException(String.valueOf(e.getMessage()), e);
      }
    }

    /**
     * Evaluates against variables resolved on demand. Same result as {@link #test(Map)} with the
     * same values, without copying a map of every variable per evaluation (CEL's {@code eval(Map)}
     * copies it into an immutable map each time).
     */
    public boolean test(CelVariableResolver variables) throws RuleEvaluationException {
      Object r;
      try {
        r = program.eval(variables);
      } catch (CelEvaluationException e) {
        throw new RuleEvaluationException(e.getMessage(), e);
      } catch (RuntimeException e) {
        throw new RuleEvaluationException(String.valueOf(e.getMessage()), e);
      }
      return result(r);
    }

    private static boolean result(Object r) throws RuleEvaluationException {
      if (r instanceof Boolean b) {
        return b;
      }
      throw new RuleEvaluationException("condition did not yield a boolean: " + r, null);
    }
  }

  /** Evaluation of one rule failed (missing key, type mismatch, ...). */
  public static final class RuleEvaluationException extends Exception {
    public RuleEvaluationException(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /** A rule did not compile; the message says where and why. */
  public static final class CompileException extends Exception {
    public CompileException(String message) {
      super(message, null, false, false);
    }
  }

  private static final Cel CEL = build();

  private static Cel build() {
    MapType dynMap = MapType.create(SimpleType.STRING, SimpleType.DYN);
    return CelFactory.standardCelBuilder()
        .setOptions(
            CelOptions.current()
                .enableHeterogeneousNumericComparisons(true)
                .comprehensionMaxIterations(1000)
                .maxParseExpressionNodeCount(2000)
                .maxParseRecursionDepth(100)
                .build())
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addCompilerLibraries(CelExtensions.strings())
        .addRuntimeLibraries(CelExtensions.strings())
        .addVar("tenant", SimpleType.STRING)
        .addVar("key", SimpleType.STRING)
        .addVar("user", SimpleType.STRING)
        .addVar("route", SimpleType.STRING)
        .addVar("operation", SimpleType.STRING)
        .addVar("stage", SimpleType.STRING)
        .addVar("classification", SimpleType.INT)
        .addVar("entities", MapType.create(SimpleType.STRING, dynMap))
        .addVar("injection", dynMap)
        .addVar("tokens", SimpleType.INT)
        .addVar("messages", dynMap)
        .addVar("time", dynMap)
        .addVar("headers", MapType.create(SimpleType.STRING, SimpleType.STRING))
        .addVar("providers", ListType.create(dynMap))
        .addVar("provider", dynMap)
        .setResultType(SimpleType.BOOL)
        .build();
  }

  private CelRules() {}

  /** Parses and type-checks {@code expression}; throws with CEL's explanation when it is invalid. */
  public static Condition compile(String expression) throws CompileException {
    CelValidationResult result = CEL.compile(expression);
    if (result.hasError()) {
      throw new CompileException(result.getErrorString());
    }
    try {
      CelAbstractSyntaxTree ast = result.getAst();
      return new Condition(expression, CEL.createProgram(ast));
    } catch (CelValidationException | CelEvaluationException e) {
      throw new CompileException(e.getMessage());
    }
  }
}
