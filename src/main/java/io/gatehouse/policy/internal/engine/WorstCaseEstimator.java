package io.gatehouse.policy.internal.engine;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelExpr.CelComprehension;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The largest string, bytes value and list an expression can build, computed from its type-checked
 * syntax tree before it is ever evaluated. An expression whose worst case exceeds the bounds of
 * {@link BoundedFunctions} is refused when validated (it would fail on every request that reaches
 * that size); the run-time bounds still catch values that grow with their input.
 *
 * <p>Inputs are assumed at their documented nominal size: strings read from the context at most
 * {@link #NOMINAL_STRING} characters, its lists and maps at most {@link #NOMINAL_ENTRIES} entries.
 * Literals count at their actual size. Comprehensions (the {@code map}, {@code filter}, {@code
 * exists}, {@code all}, {@code exists_one} macros) run at most {@link #MAX_ITERATIONS} times per
 * evaluation. Arithmetic saturates, so a chain of doublings stays finite.
 *
 * <p>Long on purpose: one case per construct and function of the syntax tree; kept together so that
 * what is covered can be read in one place.
 */
public final class WorstCaseEstimator {
    /** Nominal length of a string read from the context (a header value, a route name). */
    public static final long NOMINAL_STRING = 256;

    /** Nominal entries of a list or map read from the context. */
    public static final long NOMINAL_ENTRIES = 64;

    /** Comprehension iterations per evaluation (CEL's iteration budget, {@link CelRules}). */
    public static final long MAX_ITERATIONS = 1_000;

    private static final long INFINITE = 1L << 50;

    enum Kind {
        SCALAR,
        STRING,
        BYTES,
        LIST,
        MAP,
        /** Unknown at check time: sized like the largest of a string, list or map. */
        DYN
    }

    /** Worst case of a value: length (characters, bytes or entries) and, for lists/maps, parts. */
    record Size(Kind kind, long length, Size key, Size element) {
        static final Size SCALAR = new Size(Kind.SCALAR, 0, null, null);

        static Size string(long length) {
            return new Size(Kind.STRING, sat(length), null, null);
        }

        static Size bytes(long length) {
            return new Size(Kind.BYTES, sat(length), null, null);
        }

        static Size list(long length, Size element) {
            return new Size(Kind.LIST, sat(length), null, element);
        }

        static Size map(long length, Size key, Size element) {
            return new Size(Kind.MAP, sat(length), key, element);
        }

        /**
         * An unknown value; its parts are unknown too (built on demand: the nesting is unbounded).
         */
        static Size dyn() {
            return new Size(Kind.DYN, NOMINAL_STRING, null, null);
        }

        /** As a list or map: entries (an unknown value counts as a nominal collection). */
        long entries() {
            return kind == Kind.DYN
                    ? Math.min(length, NOMINAL_ENTRIES * Math.max(1, length / NOMINAL_STRING))
                    : length;
        }

        Size elementOrDyn() {
            return element != null ? element : kind == Kind.DYN ? dyn() : SCALAR;
        }

        Size keyOrDyn() {
            return key != null ? key : kind == Kind.DYN ? dyn() : SCALAR;
        }

        /** The larger of two alternatives (a conditional, the elements of a list). */
        static Size join(Size a, Size b) {
            if (a == null) {
                return b;
            }
            if (b == null) {
                return a;
            }
            Kind k =
                    a.kind == b.kind
                            ? a.kind
                            : a.kind == Kind.SCALAR
                                    ? b.kind
                                    : b.kind == Kind.SCALAR ? a.kind : Kind.DYN;
            return new Size(
                    k,
                    Math.max(a.length, b.length),
                    join(a.key, b.key),
                    join(a.element, b.element));
        }
    }

    /** The expression exceeds a bound: where and by how much. */
    public static final class Exceeded extends Exception {
        Exceeded(String message) {
            super(message, null, false, false);
        }
    }

    private final CelAbstractSyntaxTree ast;
    private final Map<String, Size> scope = new HashMap<>();

    private WorstCaseEstimator(CelAbstractSyntaxTree ast) {
        this.ast = ast;
    }

    /** Throws when some value the checked expression builds can exceed its bound. */
    public static void check(CelAbstractSyntaxTree checked) throws Exceeded {
        new WorstCaseEstimator(checked).size(checked.getExpr());
    }

    /** The worst-case length (characters, bytes or entries) of one node of the tree (for tests). */
    static long lengthOf(CelAbstractSyntaxTree checked, CelExpr node) throws Exceeded {
        return new WorstCaseEstimator(checked).size(node).length();
    }

    private Size size(CelExpr e) throws Exceeded {
        Size s =
                switch (e.getKind()) {
                    case CONSTANT -> constant(e.constant());
                    case IDENT -> ident(e);
                    case SELECT ->
                            e.select().testOnly()
                                    ? Size.SCALAR
                                    : size(e.select().operand()).elementOrDyn();
                    case CALL -> call(e);
                    case LIST -> list(e.list().elements());
                    case MAP -> {
                        Size key = null;
                        Size value = null;
                        for (var entry : e.map().entries()) {
                            key = Size.join(key, size(entry.key()));
                            value = Size.join(value, size(entry.value()));
                        }
                        yield Size.map(e.map().entries().size(), key, value);
                    }
                    case COMPREHENSION -> comprehension(e.comprehension());
                    default -> Size.SCALAR;
                };
        return typed(e, s);
    }

    /** The checker's type narrows an estimate: an int is a scalar whatever its operands were. */
    private Size typed(CelExpr e, Size s) {
        Optional<CelType> t = ast.getType(e.id());
        if (t.isEmpty()) {
            return s;
        }
        CelKind k = t.get().kind();
        return switch (k) {
            case STRING -> s.kind == Kind.STRING ? s : Size.string(s.length);
            case BYTES -> s.kind == Kind.BYTES ? s : Size.bytes(s.length);
            case LIST -> s.kind == Kind.LIST ? s : Size.list(s.entries(), s.elementOrDyn());
            case MAP ->
                    s.kind == Kind.MAP ? s : Size.map(s.entries(), s.keyOrDyn(), s.elementOrDyn());
            case DYN, ANY, TYPE_PARAM, UNSPECIFIED, ERROR -> s;
            default -> Size.SCALAR;
        };
    }

    private static Size constant(CelConstant c) {
        return switch (c.getKind()) {
            case STRING_VALUE -> Size.string(c.stringValue().length());
            case BYTES_VALUE -> Size.bytes(c.bytesValue().size());
            default -> Size.SCALAR;
        };
    }

    private Size ident(CelExpr e) {
        Size bound = scope.get(e.ident().name());
        if (bound != null) {
            return bound;
        }
        return ast.getType(e.id()).map(WorstCaseEstimator::nominal).orElse(Size.dyn());
    }

    /** A context variable of this type at its nominal size. */
    static Size nominal(CelType t) {
        List<CelType> p = t.parameters();
        return switch (t.kind()) {
            case STRING -> Size.string(NOMINAL_STRING);
            case BYTES -> Size.bytes(NOMINAL_STRING);
            case LIST -> Size.list(NOMINAL_ENTRIES, p.isEmpty() ? Size.dyn() : nominal(p.get(0)));
            case MAP ->
                    Size.map(
                            NOMINAL_ENTRIES,
                            p.size() < 2 ? Size.dyn() : nominal(p.get(0)),
                            p.size() < 2 ? Size.dyn() : nominal(p.get(1)));
            case DYN, ANY, TYPE_PARAM, UNSPECIFIED, ERROR -> Size.dyn();
            default -> Size.SCALAR;
        };
    }

    private Size list(List<CelExpr> elements) throws Exceeded {
        Size element = null;
        for (CelExpr el : elements) {
            element = Size.join(element, size(el));
        }
        return Size.list(elements.size(), element == null ? Size.SCALAR : element);
    }

    private Size comprehension(CelComprehension c) throws Exceeded {
        Size range = size(c.iterRange());
        long iterations = Math.min(range.entries(), MAX_ITERATIONS);
        Size iterVar = range.kind == Kind.MAP ? range.keyOrDyn() : range.elementOrDyn();
        Size accu = size(c.accuInit());
        Map<String, Size> saved = new HashMap<>(scope);
        try {
            scope.put(c.iterVar(), iterVar);
            if (c.iterVar2() != null && !c.iterVar2().isEmpty()) {
                scope.put(c.iterVar2(), range.elementOrDyn());
            }
            scope.put(c.accuVar(), accu);
            size(c.loopCondition());
            // The macros' steps append at most a fixed number of elements to the accumulator (map,
            // filter) or keep a scalar (all, exists, exists_one): growth is linear in the
            // iterations.
            Size step = size(c.loopStep());
            long perIteration = Math.max(0, step.length - accu.length);
            Size last =
                    new Size(
                            step.kind,
                            sat(accu.length + mul(iterations, perIteration)),
                            Size.join(accu.key, step.key),
                            Size.join(accu.element, step.element));
            check(c.loopStep(), last);
            scope.put(c.accuVar(), last);
            return size(c.result());
        } finally {
            scope.clear();
            scope.putAll(saved);
        }
    }

    private Size call(CelExpr e) throws Exceeded {
        var call = e.call();
        Size target = call.target().isPresent() ? size(call.target().get()) : null;
        List<CelExpr> argExprs = call.args();
        Size[] args = new Size[argExprs.size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = size(argExprs.get(i));
        }
        Size s =
                switch (call.function()) {
                    case "_+_" ->
                            new Size(
                                    args[0].kind == args[1].kind ? args[0].kind : Kind.DYN,
                                    sat(args[0].length + args[1].length),
                                    Size.join(args[0].key, args[1].key),
                                    Size.join(args[0].element, args[1].element));
                    case "_?_:_" -> Size.join(args[1], args[2]);
                    case "_[_]" ->
                            args[0].kind == Kind.STRING || args[0].kind == Kind.BYTES
                                    ? Size.SCALAR
                                    : args[0].elementOrDyn();
                    case "dyn" -> args[0];
                    case "string" -> Size.string(Math.max(args[0].length, 64));
                    case "bytes" -> Size.bytes(mul(3, args[0].length));
                    case "replace" -> target == null ? Size.dyn() : replace(target, argExprs, args);
                    case "join" -> {
                        Size list = target == null ? Size.dyn() : target;
                        long sep = args.length > 0 ? args[0].length : 0;
                        yield Size.string(
                                mul(list.entries(), list.elementOrDyn().length)
                                        + mul(Math.max(0, list.entries() - 1), sep));
                    }
                    case "split" -> {
                        long len = target == null ? NOMINAL_STRING : target.length;
                        long pieces = len + 1;
                        Optional<Long> limit =
                                args.length > 1 ? intLiteral(argExprs.get(1)) : Optional.empty();
                        if (limit.isPresent() && limit.get() >= 0) {
                            pieces = Math.min(pieces, limit.get());
                        }
                        yield Size.list(pieces, Size.string(len));
                    }
                    case "strings.quote" -> Size.string(2 + mul(2, args[0].length));
                    case "lowerAscii", "upperAscii", "trim", "reverse", "substring" ->
                            Size.string(target == null ? NOMINAL_STRING : target.length);
                    case "charAt" -> Size.string(2);
                    default -> {
                        // Everything else in this environment yields a scalar or one of its
                        // arguments.
                        Size any = target;
                        for (Size a : args) {
                            any = Size.join(any, a);
                        }
                        yield any == null ? Size.SCALAR : any;
                    }
                };
        s = typed(e, s);
        check(e, s);
        return s;
    }

    /**
     * {@code text.replace(search, replacement[, limit])}: at most one match per search length (per
     * code point and one at the end when the search can be empty), each growing the text by the
     * replacement minus the search.
     */
    private static Size replace(Size text, List<CelExpr> argExprs, Size[] args) {
        Optional<String> search = stringLiteral(argExprs.get(0));
        long minSearch = search.map(String::length).orElse(0);
        Optional<String> replacement = stringLiteral(argExprs.get(1));
        if (search.isPresent() && search.equals(replacement)) {
            return Size.string(text.length);
        }
        long matches = minSearch == 0 ? text.length + 1 : text.length / minSearch;
        Optional<Long> limit = args.length > 2 ? intLiteral(argExprs.get(2)) : Optional.empty();
        if (limit.isPresent() && limit.get() >= 0) {
            matches = Math.min(matches, limit.get());
        }
        long growth = Math.max(0, args[1].length - minSearch);
        return Size.string(text.length + mul(matches, growth));
    }

    private static Optional<String> stringLiteral(CelExpr e) {
        return e.getKind() == CelExpr.ExprKind.Kind.CONSTANT
                        && e.constant().getKind() == CelConstant.Kind.STRING_VALUE
                ? Optional.of(e.constant().stringValue())
                : Optional.empty();
    }

    private static Optional<Long> intLiteral(CelExpr e) {
        return e.getKind() == CelExpr.ExprKind.Kind.CONSTANT
                        && e.constant().getKind() == CelConstant.Kind.INT64_VALUE
                ? Optional.of(e.constant().int64Value())
                : Optional.empty();
    }

    private void check(CelExpr e, Size s) throws Exceeded {
        String unit;
        long bound;
        switch (s.kind) {
            case STRING -> {
                unit = "characters";
                bound = BoundedFunctions.MAX_STRING_LENGTH;
            }
            case BYTES -> {
                unit = "bytes";
                bound = BoundedFunctions.MAX_BYTES_LENGTH;
            }
            case LIST -> {
                unit = "elements";
                bound = BoundedFunctions.MAX_LIST_SIZE;
            }
            case DYN -> {
                unit = "characters or elements";
                bound = BoundedFunctions.MAX_LIST_SIZE;
            }
            default -> {
                return;
            }
        }
        if (s.length > bound) {
            String what =
                    e.getKind() == CelExpr.ExprKind.Kind.CALL
                            ? e.call().function()
                            : "the expression";
            throw new Exceeded(
                    what
                            + where(e)
                            + " can produce "
                            + (s.length >= INFINITE
                                    ? "more than " + INFINITE
                                    : String.valueOf(s.length))
                            + " "
                            + unit
                            + " (worst case); the bound is "
                            + bound);
        }
    }

    private String where(CelExpr e) {
        Integer offset = ast.getSource().getPositionsMap().get(e.id());
        if (offset == null) {
            return "";
        }
        Optional<CelSourceLocation> loc = ast.getSource().getOffsetLocation(offset);
        return loc.map(l -> " at line " + l.getLine() + ", column " + (l.getColumn() + 1))
                .orElse("");
    }

    private static long sat(long v) {
        return v < 0 || v > INFINITE ? INFINITE : v;
    }

    private static long mul(long a, long b) {
        if (a == 0 || b == 0) {
            return 0;
        }
        return a > INFINITE / b ? INFINITE : a * b;
    }
}
