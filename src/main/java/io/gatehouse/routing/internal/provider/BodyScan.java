package io.gatehouse.routing.internal.provider;

import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.error.ValidationException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * One pass over a client's request body that does what three passes did (issue 16, round 2): the
 * nesting limit and the storability hint of {@link JsonInput#scan} (same lexing, same refusal), and
 * the forwarded-bytes facts of {@link ClientBytes} (repeated keys in any object, nothing after the
 * object, where the top-level {@code model} string is, the top-level field names and the field
 * names used in any message). The JSON parser still decides whether the text is JSON; these facts
 * are only used for a body it accepted.
 *
 * <p>Allocation-light on purpose (it runs per request): keys are compared as regions of the text,
 * not copied, and a key's name becomes a {@code String} only at the top level and inside messages,
 * where a small table of the usual names answers without copying.
 *
 * <p>The strings are lexed by {@link JsonInput#scan}'s own {@link JsonInput.StringLexer} and the
 * nesting is counted against the same limit, so the refusals and the storability hint cannot drift
 * apart from it.
 *
 * <p>Long on purpose: the structure (keys, the top level, messages) is tracked in the same loop
 * that lexes; split, they would be the two passes this class replaced.
 */
public final class BodyScan {
    /** An object's keys are compared pairwise up to this count, then through a hash set. */
    private static final int LINEAR_KEYS = 16;

    /** Names a chat or Messages body usually carries: returned without copying the region. */
    private static final String[] KNOWN = {
        "model",
        "messages",
        "role",
        "content",
        "stream",
        "temperature",
        "max_tokens",
        "user",
        "top_p",
        "n",
        "stop",
        "tools",
        "tool_choice",
        "tool_calls",
        "tool_call_id",
        "name",
        "refusal",
        "seed",
        "response_format",
        "stream_options",
        "max_completion_tokens",
        "presence_penalty",
        "frequency_penalty",
        "logit_bias",
        "logprobs",
        "top_logprobs",
        "parallel_tool_calls",
        "reasoning_effort",
        "metadata",
        "store",
        "system",
        "thinking",
        "stop_sequences",
        "top_k",
        "prompt_variables"
    };

    private final String text;
    private final int n;
    private final JsonInput.StringLexer strings = new JsonInput.StringLexer();
    private boolean forwardable = true;

    // the structural stack: per open object or array, its kind and where its keys start
    private boolean[] isObject = new boolean[8];
    private int[] keysFrom = new int[8];
    private Set<String>[] bigKeys;
    private int size;

    // the keys of the open objects, as regions of the text
    private int[] kStart = new int[16];
    private int[] kEnd = new int[16];
    private int[] kHash = new int[16];
    private String[] kDecoded = new String[16]; // only for keys with escapes
    private int keys;

    // names are unique among the top-level keys (a repeat ends forwarding) but not across messages
    private String[] top;
    private int topCount;
    private String[] messageFields;
    private int messageFieldCount;
    private Set<String> manyMessageFields;
    private boolean nullField;
    private int modelStart = -1;
    private int modelEnd = -1;
    private int messagesSize = -1;

    private BodyScan(String text) {
        this.text = text;
        this.n = text.length();
    }

    /** What one pass found: see {@link #scan}. */
    public record Result(boolean mayHoldUnstorable, ClientBytes bytes) {}

    /**
     * 400 {@code json_too_deep} exactly as {@link JsonInput#scan}; otherwise whether the text may
     * hold unstorable characters and the client's bytes as {@link ClientBytes#scan} would answer
     * them (null when they must not be forwarded).
     */
    public static Result scan(String text) {
        if (text == null) {
            return new Result(false, null);
        }
        BodyScan s = new BodyScan(text);
        try {
            s.run();
        } catch (ValidationException e) {
            throw e;
        } catch (RuntimeException e) {
            // The parse that follows decides what the client sent; a defect in this pass's
            // bookkeeping must not fail the request: nothing forwarded, storability checked in
            // full.
            return new Result(true, null);
        }
        return new Result(s.strings.suspect(), s.forwardable ? s.bytes() : null);
    }

    private ClientBytes bytes() {
        if (top == null || modelStart < 0 || size != 0) {
            return null;
        }
        return new ClientBytes(
                text,
                modelStart,
                modelEnd,
                Set.of(Arrays.copyOf(top, topCount)),
                manyMessageFields != null
                        ? Set.copyOf(manyMessageFields)
                        : Set.of(Arrays.copyOf(messageFields, messageFieldCount)),
                nullField);
    }

    private void run() {
        String s = text;
        int depth = 0;
        boolean expectKey = false;
        boolean closed = false; // the top-level value ended: only whitespace may follow
        // 0: not after a top-level key; 1: after it, before the colon; 2: after the colon
        int afterTopKey = 0;
        boolean topKeyIsModel = false;
        boolean topKeyIsMessages = false;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (forwardable && closed && !isBlank(c)) {
                forwardable = false;
            }
            if (forwardable && afterTopKey == 2 && !isBlank(c)) {
                afterTopKey = 0;
                if (c == 'n' && s.startsWith("null", i)) {
                    nullField = true;
                } else if (c == '[' && topKeyIsMessages) {
                    messagesSize = size + 1;
                }
                if (c == '"' && topKeyIsModel) {
                    modelStart = i;
                }
            }
            if (c == '"') {
                int start = i;
                i = strings.read(s, i);
                boolean escaped = strings.escaped();
                if (!forwardable) {
                    continue;
                }
                if (i >= n) {
                    forwardable = false; // unterminated
                    continue;
                }
                if (modelStart == start) {
                    modelEnd = i + 1;
                    topKeyIsModel = false;
                } else if (expectKey) {
                    expectKey = false;
                    key(start + 1, i, escaped, escaped ? 0 : hash(start + 1, i));
                    if (forwardable && size == 1) {
                        String name = name(start + 1, i, escaped);
                        if (topCount == top.length) {
                            top = Arrays.copyOf(top, topCount * 2);
                        }
                        top[topCount++] = name;
                        topKeyIsModel = name.equals("model");
                        topKeyIsMessages = name.equals("messages");
                        afterTopKey = 1;
                    } else if (forwardable && messagesSize > 0 && size == messagesSize + 1) {
                        messageField(name(start + 1, i, escaped));
                    }
                }
            } else if (c == '{' || c == '[') {
                if (++depth > JsonInput.MAX_DEPTH) {
                    throw JsonInput.tooDeep();
                }
                if (forwardable) {
                    if (closed) {
                        forwardable = false;
                        continue;
                    }
                    push(c == '{');
                    if (c == '{' && top == null) {
                        top = new String[16];
                        messageFields = new String[8];
                    }
                    expectKey = c == '{';
                }
            } else if (c == '}' || c == ']') {
                depth--;
                if (forwardable) {
                    if (size == 0 || isObject[size - 1] != (c == '}')) {
                        forwardable = false;
                        continue;
                    }
                    if (size == messagesSize) {
                        messagesSize = -1;
                    }
                    pop();
                    expectKey = false;
                    if (size == 0) {
                        closed = true;
                    }
                }
            } else if (forwardable) {
                if (c == ',') {
                    expectKey = size > 0 && isObject[size - 1];
                } else if (c == ':' && afterTopKey == 1 && size == 1) {
                    afterTopKey = 2;
                }
            }
        }
        if (forwardable && (!closed || modelStart >= 0 && modelEnd < 0)) {
            forwardable = false;
        }
    }

    /** Notes a message's field name once (compared by identity first: names are mostly known). */
    private void messageField(String name) {
        if (manyMessageFields != null) {
            manyMessageFields.add(name);
            return;
        }
        for (int k = 0; k < messageFieldCount; k++) {
            if (messageFields[k] == name || messageFields[k].equals(name)) {
                return;
            }
        }
        if (messageFieldCount == messageFields.length) {
            // many different names: a set from here on
            manyMessageFields = new HashSet<>(Arrays.asList(messageFields));
            manyMessageFields.add(name);
            return;
        }
        messageFields[messageFieldCount++] = name;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    private void push(boolean object) {
        if (size == isObject.length) {
            isObject = Arrays.copyOf(isObject, size * 2);
            keysFrom = Arrays.copyOf(keysFrom, size * 2);
            if (bigKeys != null) {
                bigKeys = Arrays.copyOf(bigKeys, size * 2);
            }
        }
        isObject[size] = object;
        keysFrom[size] = keys;
        if (bigKeys != null) {
            bigKeys[size] = null;
        }
        size++;
    }

    private void pop() {
        size--;
        keys = keysFrom[size];
        if (bigKeys != null) {
            bigKeys[size] = null;
        }
    }

    /** Notes a key of the innermost object; a repeat (escapes resolved) ends forwarding. */
    @SuppressWarnings("unchecked")
    private void key(int from, int to, boolean escaped, int hash) {
        if (size == 0 || !isObject[size - 1]) {
            forwardable = false;
            return;
        }
        String decoded = escaped ? decoded(from, to) : null;
        if (escaped) {
            if (decoded == null) {
                return;
            }
            hash = decoded.hashCode();
        }
        int first = keysFrom[size - 1];
        if (bigKeys != null && bigKeys[size - 1] != null) {
            if (!bigKeys[size - 1].add(decoded != null ? decoded : text.substring(from, to))) {
                forwardable = false;
            }
            return;
        }
        for (int k = first; k < keys; k++) {
            if (kHash[k] == hash && same(k, from, to, decoded)) {
                forwardable = false;
                return;
            }
        }
        if (keys - first >= LINEAR_KEYS) {
            // a large object: from here on through a set of its names
            if (bigKeys == null) {
                bigKeys = new Set[isObject.length];
            }
            Set<String> set = new HashSet<>();
            for (int k = first; k < keys; k++) {
                set.add(kDecoded[k] != null ? kDecoded[k] : text.substring(kStart[k], kEnd[k]));
            }
            set.add(decoded != null ? decoded : text.substring(from, to));
            bigKeys[size - 1] = set;
            return;
        }
        if (keys == kStart.length) {
            kStart = Arrays.copyOf(kStart, keys * 2);
            kEnd = Arrays.copyOf(kEnd, keys * 2);
            kHash = Arrays.copyOf(kHash, keys * 2);
            kDecoded = Arrays.copyOf(kDecoded, keys * 2);
        }
        kStart[keys] = from;
        kEnd[keys] = to;
        kHash[keys] = hash;
        kDecoded[keys] = decoded;
        keys++;
    }

    private boolean same(int k, int from, int to, String decoded) {
        if (decoded == null && kDecoded[k] == null) {
            int len = to - from;
            return kEnd[k] - kStart[k] == len && text.regionMatches(kStart[k], text, from, len);
        }
        String a = kDecoded[k] != null ? kDecoded[k] : text.substring(kStart[k], kEnd[k]);
        String b = decoded != null ? decoded : text.substring(from, to);
        return a.equals(b);
    }

    /** The key's name: a known one without copying, else its text with escapes resolved. */
    private String name(int from, int to, boolean escaped) {
        if (escaped) {
            String d = decoded(from, to);
            return d == null ? "" : d;
        }
        int len = to - from;
        for (String k : KNOWN) {
            if (k.length() == len && text.regionMatches(from, k, 0, len)) {
                return k;
            }
        }
        return text.substring(from, to);
    }

    /** The key with its escapes resolved; null (and not forwardable) for a malformed escape. */
    private String decoded(int from, int to) {
        try {
            return ClientBytes.decode(text, from, to);
        } catch (RuntimeException e) {
            forwardable = false;
            return null;
        }
    }

    /** The region's {@link String#hashCode}, without copying it. */
    private int hash(int from, int to) {
        int h = 0;
        for (int k = from; k < to; k++) {
            h = 31 * h + text.charAt(k);
        }
        return h;
    }
}
