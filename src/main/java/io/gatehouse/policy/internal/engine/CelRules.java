package io.gatehouse.policy.internal.engine;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelStandardFunctions;
import dev.cel.runtime.CelVariableResolver;
import dev.cel.runtime.standard.IntFunction.IntOverload;
import dev.cel.runtime.standard.TimestampFunction.TimestampOverload;
import java.util.List;
import java.util.Map;

/**
 * The CEL environment rules are compiled in: the documented context variables (see docs/policy.md)
 * with their types, the standard library plus the strings extension, and limits that keep a rule's
 * cost bounded: expression size, comprehension iterations, and {@link BoundedFunctions} in place of
 * cel-java's functions that build strings and lists (checked statically by {@link
 * WorstCaseEstimator} when a rule is validated, and again on every evaluation).
 */
public final class CelRules {
    /** A compiled boolean expression. */
    public record Condition(String source, CelRuntime.Program program) {
        /** Evaluates against the context; anything but a boolean is an error. */
        public boolean test(Map<String, ?> context) throws RuleEvaluationException {
            return test(name -> java.util.Optional.ofNullable(context.get(name)));
        }

        /**
         * Evaluates against variables resolved on demand, without copying a map of every variable
         * per evaluation (CEL's {@code eval(Map)} copies it into an immutable map each time). A
         * value over a bound fails the evaluation like any other rule error; a passed deadline
         * (test bench) ends the whole run with {@link EvaluationLimits.TimeLimitExceeded}.
         */
        public boolean test(CelVariableResolver variables) throws RuleEvaluationException {
            EvaluationLimits limits = EvaluationLimits.current();
            long saved = limits.begin();
            Object r;
            try {
                CelEvaluationListener deadline = limits.deadlineListener();
                r = deadline == null ? program.eval(variables) : program.trace(variables, deadline);
            } catch (CelEvaluationException e) {
                limits.throwIfPastDeadline();
                throw new RuleEvaluationException(e.getMessage(), e);
            } catch (EvaluationLimits.TimeLimitExceeded e) {
                throw e;
            } catch (RuntimeException e) {
                limits.throwIfPastDeadline();
                throw new RuleEvaluationException(String.valueOf(e.getMessage()), e);
            } finally {
                limits.end(saved);
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
    public static class CompileException extends Exception {
        public CompileException(String message) {
            super(message, null, false, false);
        }
    }

    /** A rule compiles, but in the worst case it would build a value over a bound. */
    public static final class BoundExceededException extends CompileException {
        public BoundExceededException(String message) {
            super(message);
        }
    }

    /** Comprehension iterations per evaluation, all comprehensions together. */
    static final int MAX_ITERATIONS = (int) WorstCaseEstimator.MAX_ITERATIONS;

    private static final CelOptions OPTIONS =
            CelOptions.current()
                    .enableHeterogeneousNumericComparisons(true)
                    .comprehensionMaxIterations(MAX_ITERATIONS)
                    .maxParseExpressionNodeCount(2000)
                    .maxParseRecursionDepth(100)
                    .build();

    private static final CelCompiler COMPILER = compiler();
    private static final CelRuntime RUNTIME = runtime();

    private static CelCompiler compiler() {
        MapType dynMap = MapType.create(SimpleType.STRING, SimpleType.DYN);
        return CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addLibraries(CelExtensions.strings())
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
                .addVar("guard", MapType.create(SimpleType.STRING, dynMap))
                .addVar("tools", dynMap)
                .setResultType(SimpleType.BOOL)
                .build();
    }

    /**
     * The standard runtime, except that {@code _+_}, {@code string}, {@code bytes} and the strings
     * extension are bound to {@link BoundedFunctions}. The other standard functions are filtered
     * exactly as cel-java's standard environment filters them for these options.
     */
    private static CelRuntime runtime() {
        CelStandardFunctions rest =
                CelStandardFunctions.newBuilder()
                        .filterFunctions(
                                (function, overload) -> {
                                    if (BoundedFunctions.replacesStandard(overload)) {
                                        return false;
                                    }
                                    if (overload == IntOverload.INT64_TO_INT64) {
                                        return OPTIONS.enableUnsignedLongs();
                                    }
                                    if (overload == TimestampOverload.INT64_TO_TIMESTAMP) {
                                        return OPTIONS.enableTimestampEpoch();
                                    }
                                    return true; // heterogeneous numeric comparisons are on
                                })
                        .build();
        return CelRuntimeFactory.standardCelRuntimeBuilder()
                .setOptions(OPTIONS)
                .setStandardEnvironmentEnabled(false)
                .setStandardFunctions(rest)
                .addFunctionBindings(BoundedFunctions.bindings(OPTIONS))
                .build();
    }

    private CelRules() {}

    /**
     * Parses and type-checks {@code expression}; throws with CEL's explanation when it is invalid.
     */
    public static Condition compile(String expression) throws CompileException {
        return compile(expression, false);
    }

    /**
     * Like {@link #compile(String)}, and also refuses an expression whose worst case exceeds the
     * bounds of {@link BoundedFunctions} (for validating new content; stored versions compile
     * without it, so a version published before the check existed still loads and the run-time
     * bounds apply).
     */
    public static Condition compileBounded(String expression) throws CompileException {
        return compile(expression, true);
    }

    /** The type-checked syntax tree of an expression (for tests of the estimator). */
    static CelAbstractSyntaxTree checked(String expression) throws CompileException {
        CelValidationResult result = COMPILER.compile(expression);
        if (result.hasError()) {
            throw new CompileException(result.getErrorString());
        }
        try {
            return result.getAst();
        } catch (CelValidationException e) {
            throw new CompileException(e.getMessage());
        }
    }

    /** In {@link #guardReferences}: the expression reads {@code guard} other than by a name. */
    public static final String ANY_GUARD = "*";

    /**
     * The guards an expression reads ({@code guard.pg.score}, {@code guard['pg']}, {@code
     * has(guard.pg)}), so that only those are called; {@link #ANY_GUARD} when it reads {@code
     * guard} any other way (a comprehension over it, a computed key).
     */
    public static java.util.Set<String> guardReferences(String expression) throws CompileException {
        java.util.Set<String> out = new java.util.TreeSet<>();
        guardReferences(checked(expression).getExpr(), out);
        return out;
    }

    private static void guardReferences(CelExpr e, java.util.Set<String> out) {
        switch (e.getKind()) {
            case IDENT -> {
                if (e.ident().name().equals("guard")) {
                    out.add(ANY_GUARD);
                }
            }
            case SELECT -> {
                CelExpr operand = e.select().operand();
                if (operand.getKind() == CelExpr.ExprKind.Kind.IDENT
                        && operand.ident().name().equals("guard")) {
                    out.add(e.select().field());
                } else {
                    guardReferences(operand, out);
                }
            }
            case CALL -> {
                var call = e.call();
                List<CelExpr> args = call.args();
                if (call.function().equals("_[_]")
                        && args.size() == 2
                        && args.get(0).getKind() == CelExpr.ExprKind.Kind.IDENT
                        && args.get(0).ident().name().equals("guard")
                        && args.get(1).getKind() == CelExpr.ExprKind.Kind.CONSTANT
                        && args.get(1).constant().getKind() == CelConstant.Kind.STRING_VALUE) {
                    out.add(args.get(1).constant().stringValue());
                    return;
                }
                call.target().ifPresent(t -> guardReferences(t, out));
                args.forEach(a -> guardReferences(a, out));
            }
            case LIST -> e.list().elements().forEach(x -> guardReferences(x, out));
            case MAP ->
                    e.map()
                            .entries()
                            .forEach(
                                    x -> {
                                        guardReferences(x.key(), out);
                                        guardReferences(x.value(), out);
                                    });
            case STRUCT -> e.struct().entries().forEach(x -> guardReferences(x.value(), out));
            case COMPREHENSION -> {
                var c = e.comprehension();
                guardReferences(c.iterRange(), out);
                guardReferences(c.accuInit(), out);
                guardReferences(c.loopCondition(), out);
                guardReferences(c.loopStep(), out);
                guardReferences(c.result(), out);
            }
            default -> {}
        }
    }

    private static Condition compile(String expression, boolean bounded) throws CompileException {
        CelValidationResult result = COMPILER.compile(expression);
        if (result.hasError()) {
            throw new CompileException(result.getErrorString());
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            if (bounded) {
                WorstCaseEstimator.check(ast);
            }
            return new Condition(expression, RUNTIME.createProgram(ast));
        } catch (WorstCaseEstimator.Exceeded e) {
            throw new BoundExceededException(e.getMessage());
        } catch (CelValidationException | CelEvaluationException e) {
            throw new CompileException(e.getMessage());
        }
    }
}
