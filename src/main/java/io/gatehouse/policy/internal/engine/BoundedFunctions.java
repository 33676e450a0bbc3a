package io.gatehouse.policy.internal.engine;

import com.google.protobuf.ByteString;
import dev.cel.common.CelOptions;
import dev.cel.common.values.CelByteString;
import dev.cel.extensions.CelExtensions;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelFunctionOverload;
import dev.cel.runtime.CelRuntimeBuilder;
import dev.cel.runtime.CelRuntimeLibrary;
import dev.cel.runtime.ConcatenatedListView;
import dev.cel.runtime.InternalCelFunctionBinding;
import dev.cel.runtime.standard.AddOperator.AddOverload;
import dev.cel.runtime.standard.BytesFunction.BytesOverload;
import dev.cel.runtime.standard.CelStandardOverload;
import dev.cel.runtime.standard.StringFunction.StringOverload;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CEL functions that build strings, bytes or lists, bounded. cel-java has no cost tracking, so
 * a chain of {@code replace} calls doubles a string per call until the heap is gone. Every function
 * here fails the evaluation (a rule error: the policy's {@code onError} applies) rather than
 * produce a string over {@link #MAX_STRING_LENGTH} characters, bytes over {@link #MAX_BYTES_LENGTH}
 * or a list over {@link #MAX_LIST_SIZE} elements. The ones whose result can be much larger than
 * their arguments ({@code +}, {@code replace}, {@code join}, {@code split}, {@code strings.quote})
 * compute the size first and never build an oversized value; the others (result no larger than an
 * argument) are checked after. Each result also counts against the evaluation's {@link
 * EvaluationLimits}.
 *
 * <p>The bindings replace cel-java's own (same overload ids, same semantics below the bounds):
 * {@code _+_}, {@code string} and {@code bytes} of the standard library, and every function of the
 * strings extension (version 0.14.0 has no {@code repeat}; {@code format} is not enabled).
 *
 * <p>Long on purpose: every bounded binding of the standard library and the strings extension in
 * one place, so the list can be checked against cel-java's.
 */
public final class BoundedFunctions {
    /** Longest string a function may produce, in characters (UTF-16 code units): 64 Ki. */
    public static final int MAX_STRING_LENGTH = 65_536;

    /** Largest bytes value a function may produce: 64 KiB. */
    public static final int MAX_BYTES_LENGTH = 65_536;

    /** Largest list a function may produce. */
    public static final int MAX_LIST_SIZE = 10_000;

    private BoundedFunctions() {}

    /** The standard functions these bindings take over (the runtime must leave them out). */
    static boolean replacesStandard(CelStandardOverload overload) {
        return overload instanceof AddOverload
                || overload instanceof StringOverload
                || overload instanceof BytesOverload;
    }

    /** Bindings for {@code _+_}, {@code string}, {@code bytes} and the strings extension. */
    static List<CelFunctionBinding> bindings(CelOptions options) {
        List<CelFunctionBinding> out = new ArrayList<>();
        out.addAll(standard("_+_", AddOverload.values(), options));
        out.addAll(standard("string", StringOverload.values(), options));
        out.addAll(standard("bytes", BytesOverload.values(), options));
        Map<String, List<CelFunctionBinding>> byFunction = new LinkedHashMap<>();
        for (CelFunctionBinding b : recordBindings(CelExtensions.strings())) {
            String function =
                    b instanceof InternalCelFunctionBinding named
                            ? named.getFunctionName()
                            : b.getOverloadId();
            // The library also registers a dispatcher under the function's own name, bound to its
            // unbounded overloads; fromOverloads below makes a new one over the bounded ones.
            if (!function.equals(b.getOverloadId())) {
                byFunction.computeIfAbsent(function, k -> new ArrayList<>()).add(bounded(b));
            }
        }
        byFunction.forEach(
                (function, list) -> out.addAll(CelFunctionBinding.fromOverloads(function, list)));
        return out;
    }

    private static Collection<CelFunctionBinding> standard(
            String function, CelStandardOverload[] overloads, CelOptions options) {
        List<CelFunctionBinding> list = new ArrayList<>();
        for (CelStandardOverload o : overloads) {
            // None of these overloads compares values, so they need no RuntimeEquality.
            list.add(bounded(o.newFunctionBinding(options, null)));
        }
        return CelFunctionBinding.fromOverloads(function, list);
    }

    /** The bindings a runtime library would register, captured instead of registered. */
    private static List<CelFunctionBinding> recordBindings(CelRuntimeLibrary library) {
        List<CelFunctionBinding> recorded = new ArrayList<>();
        CelRuntimeBuilder recorder =
                (CelRuntimeBuilder)
                        Proxy.newProxyInstance(
                                CelRuntimeBuilder.class.getClassLoader(),
                                new Class<?>[] {CelRuntimeBuilder.class},
                                (proxy, method, args) -> {
                                    if (!method.getName().equals("addFunctionBindings")) {
                                        throw new UnsupportedOperationException(method.getName());
                                    }
                                    if (args[0] instanceof CelFunctionBinding[] array) {
                                        recorded.addAll(List.of(array));
                                    } else {
                                        for (Object o : (Iterable<?>) args[0]) {
                                            recorded.add((CelFunctionBinding) o);
                                        }
                                    }
                                    return proxy;
                                });
        library.setRuntimeOptions(recorder);
        return recorded;
    }

    /** The binding with its size checks; the same overload id, argument types and strictness. */
    static CelFunctionBinding bounded(CelFunctionBinding b) {
        String id = b.getOverloadId();
        CelFunctionOverload original = b.getDefinition();
        CelFunctionOverload checked =
                switch (id) {
                    case "add_string" ->
                            args ->
                                    produced(
                                            id,
                                            checkString(
                                                    id,
                                                    length(args[0]) + length(args[1]),
                                                    original,
                                                    args));
                    case "add_bytes" ->
                            args ->
                                    produced(
                                            id,
                                            checkBytes(
                                                    id,
                                                    bytes(args[0]) + bytes(args[1]),
                                                    original,
                                                    args));
                    case "add_list" -> args -> addList(id, original, args);
                    case "string_replace_string_string" ->
                            args ->
                                    produced(
                                            id,
                                            checkString(
                                                    id,
                                                    replacedLength(
                                                            (String) args[0],
                                                            (String) args[1],
                                                            (String) args[2],
                                                            -1),
                                                    original,
                                                    args));
                    case "string_replace_string_string_int" ->
                            args -> {
                                long limit = (Long) args[3];
                                if (limit != (int) limit) {
                                    return original.apply(
                                            args); // cel-java refuses it with its own message
                                }
                                long n =
                                        replacedLength(
                                                (String) args[0],
                                                (String) args[1],
                                                (String) args[2],
                                                (int) limit);
                                return produced(id, checkString(id, n, original, args));
                            };
                    case "list_join" ->
                            args ->
                                    produced(
                                            id,
                                            checkString(
                                                    id,
                                                    joinedLength((List<?>) args[0], ""),
                                                    original,
                                                    args));
                    case "list_join_string" ->
                            args ->
                                    produced(
                                            id,
                                            checkString(
                                                    id,
                                                    joinedLength(
                                                            (List<?>) args[0], (String) args[1]),
                                                    original,
                                                    args));
                    case "string_split_string" ->
                            args ->
                                    produced(
                                            id,
                                            checkList(
                                                    id,
                                                    splitCount(
                                                            (String) args[0],
                                                            (String) args[1],
                                                            Integer.MAX_VALUE),
                                                    original,
                                                    args));
                    case "string_split_string_int" ->
                            args -> {
                                long limit = (Long) args[2];
                                if (limit != (int) limit) {
                                    return original.apply(args);
                                }
                                return produced(
                                        id,
                                        checkList(
                                                id,
                                                splitCount(
                                                        (String) args[0],
                                                        (String) args[1],
                                                        (int) limit),
                                                original,
                                                args));
                            };
                    case "strings_quote" ->
                            args ->
                                    produced(
                                            id,
                                            checkString(
                                                    id,
                                                    quotedLength((String) args[0]),
                                                    original,
                                                    args));
                    // No larger than an argument: built by cel-java, then checked.
                    default -> args -> produced(id, original.apply(args));
                };
        // fromOverloads (by the caller) restores the function name the dispatcher groups overloads
        // by.
        return CelFunctionBinding.from(id, b.getArgTypes(), checked);
    }

    private static Object checkString(
            String id, long length, CelFunctionOverload original, Object[] args)
            throws CelEvaluationException {
        if (length > MAX_STRING_LENGTH) {
            throw tooLarge(id, length, MAX_STRING_LENGTH, "characters");
        }
        return original.apply(args);
    }

    private static Object checkBytes(
            String id, long length, CelFunctionOverload original, Object[] args)
            throws CelEvaluationException {
        if (length > MAX_BYTES_LENGTH) {
            throw tooLarge(id, length, MAX_BYTES_LENGTH, "bytes");
        }
        return original.apply(args);
    }

    private static Object checkList(
            String id, long size, CelFunctionOverload original, Object[] args)
            throws CelEvaluationException {
        if (size > MAX_LIST_SIZE) {
            throw tooLarge(id, size, MAX_LIST_SIZE, "elements");
        }
        return original.apply(args);
    }

    private static Object addList(String id, CelFunctionOverload original, Object[] args)
            throws CelEvaluationException {
        List<?> a = (List<?>) args[0];
        List<?> b = (List<?>) args[1];
        long size = (long) a.size() + b.size();
        if (size > MAX_LIST_SIZE) {
            throw tooLarge(id, size, MAX_LIST_SIZE, "elements");
        }
        // Macros (map, filter) append to a view in place: only the new elements are produced.
        boolean inPlace = a instanceof ConcatenatedListView;
        Object r = original.apply(args);
        EvaluationLimits.charge(id, inPlace ? b.size() : size);
        return r;
    }

    /** Checks and counts a result: strings, bytes and lists against their bounds. */
    static Object produced(String id, Object result) throws CelEvaluationException {
        long units;
        if (result instanceof String s) {
            units = s.length();
            if (units > MAX_STRING_LENGTH) {
                throw tooLarge(id, units, MAX_STRING_LENGTH, "characters");
            }
        } else if (result instanceof ByteString || result instanceof CelByteString) {
            units = bytes(result);
            if (units > MAX_BYTES_LENGTH) {
                throw tooLarge(id, units, MAX_BYTES_LENGTH, "bytes");
            }
        } else if (result instanceof List<?> l) {
            units = l.size();
            if (units > MAX_LIST_SIZE) {
                throw tooLarge(id, units, MAX_LIST_SIZE, "elements");
            }
        } else {
            return result;
        }
        EvaluationLimits.charge(id, units);
        return result;
    }

    static CelEvaluationException tooLarge(String id, long size, long bound, String unit) {
        return new CelEvaluationException(
                id
                        + " would produce "
                        + size
                        + " "
                        + unit
                        + "; the bound is "
                        + bound
                        + " "
                        + unit);
    }

    private static long length(Object o) {
        return o instanceof String s ? s.length() : 0;
    }

    private static long bytes(Object o) {
        if (o instanceof ByteString b) {
            return b.size();
        }
        if (o instanceof CelByteString b) {
            return b.size();
        }
        return 0;
    }

    /**
     * Length in characters of cel-java's {@code text.replace(search, replacement, limit)} (a
     * negative limit replaces all), computed without building it: the same left-to-right,
     * non-overlapping search over code points; an empty search matches before every code point and
     * at the end.
     */
    static long replacedLength(String text, String search, String replacement, int limit) {
        if (search.equals(replacement) || limit == 0) {
            return text.length();
        }
        if (text.isEmpty()) {
            return search.isEmpty() ? replacement.length() : 0;
        }
        int[] t = text.codePoints().toArray();
        int[] s = search.codePoints().toArray();
        long count = 0;
        int from = 0;
        long remaining = limit < 0 ? Long.MAX_VALUE : limit;
        while (remaining > 0) {
            int at = indexOf(t, s, from);
            if (at < 0 || (count > 0 && at == 0)) {
                break;
            }
            count++;
            remaining--;
            from = at + Math.max(s.length, 1);
        }
        return text.length() + count * ((long) replacement.length() - search.length());
    }

    private static int indexOf(int[] text, int[] search, int from) {
        for (int i = from; i < text.length - (search.length - 1); i++) {
            int j = 0;
            while (j < search.length && text[i + j] == search[j]) {
                j++;
            }
            if (j == search.length) {
                return i;
            }
        }
        return -1;
    }

    /** Length of {@code list.join(separator)}: elements as strings, separators between them. */
    static long joinedLength(List<?> list, String separator) {
        long n = 0;
        for (Object e : list) {
            n += e instanceof String s ? s.length() : String.valueOf(e).length();
        }
        return n + (long) Math.max(0, list.size() - 1) * separator.length();
    }

    /** Elements of cel-java's {@code text.split(separator, limit)} (negative: no limit). */
    static long splitCount(String text, String separator, int limit) {
        if (limit == 0) {
            return 0;
        }
        if (limit == 1) {
            return 1;
        }
        if (limit < 0) {
            limit = text.length();
        }
        if (separator.isEmpty()) {
            // One element per code point up to limit - 1, the rest in the last one.
            long codePoints = text.codePointCount(0, text.length());
            long single = Math.min(codePoints, limit - 1L);
            return single + (codePoints > limit - 1L ? 1 : 0);
        }
        long pieces = 1;
        int at = text.indexOf(separator);
        while (at >= 0 && pieces < limit) {
            pieces++;
            at = text.indexOf(separator, at + separator.length());
        }
        return pieces;
    }

    /**
     * Length of {@code strings.quote(s)}: quotes, two characters per escape, U+FFFD per bad half.
     */
    static long quotedLength(String s) {
        long n = 2;
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            boolean malformed =
                    Character.isLowSurrogate(c)
                            || Character.isHighSurrogate(c)
                                    && (i + 1 >= s.length()
                                            || !Character.isLowSurrogate(s.charAt(i + 1)));
            if (malformed) {
                n++;
                i++;
                continue;
            }
            int cp = s.codePointAt(i);
            n +=
                    switch (cp) {
                        case 0x07, '\b', '\f', '\n', '\r', '\t', 0x0B, '\\', '"' -> 2;
                        default -> Character.charCount(cp);
                    };
            i += Character.charCount(cp);
        }
        return n;
    }
}
