package io.gatehouse.shared;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fields added to every log line the current thread writes, as {@code ext_<name>} in Liberty's JSON
 * logs (console and messages.log): the request id and the trace id, so a line of request work can
 * be joined with its access-log line, audit event and trace.
 *
 * <p>Backed by Liberty's {@code LogRecordContext}, looked up reflectively because its API jar is
 * not on Maven Central; outside Liberty (unit tests) no line carries them. Values must never be
 * secrets or content: only ids.
 *
 * <p>The fields belong to a thread. Work done for a request on another thread (a task on a managed
 * executor) carries them with {@link #capture()} at submit and {@link Snapshot#wrap} around the
 * task, which sets them for the task's run and restores the thread's own afterwards.
 */
public final class LogFields {
    public static final String REQUEST_ID = "requestId";
    public static final String TRACE_ID = "traceId";

    private static final MethodHandle ADD;
    private static final MethodHandle REMOVE;

    static {
        MethodHandle add = null;
        MethodHandle remove = null;
        try {
            Class<?> c = Class.forName("com.ibm.websphere.logging.hpel.LogRecordContext");
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            add =
                    lookup.findStatic(
                            c,
                            "addExtension",
                            MethodType.methodType(void.class, String.class, String.class));
            remove =
                    lookup.findStatic(
                            c,
                            "removeExtension",
                            MethodType.methodType(boolean.class, String.class));
        } catch (ReflectiveOperationException | LinkageError notInLiberty) {
            // Unit tests and other containers: no JSON log extensions.
        }
        ADD = add;
        REMOVE = remove;
    }

    // What this thread carries, so it can be captured (LogRecordContext has no reader).
    private static final ThreadLocal<Map<String, String>> CURRENT = new ThreadLocal<>();

    private LogFields() {}

    /** The fields of the current thread, to be carried into a task run elsewhere. */
    public static Snapshot capture() {
        Map<String, String> current = CURRENT.get();
        return new Snapshot(current == null ? Map.of() : Map.copyOf(current));
    }

    /** The value of {@code name} on the current thread, or null. */
    public static String get(String name) {
        Map<String, String> current = CURRENT.get();
        return current == null ? null : current.get(name);
    }

    /** Log fields captured on one thread, set around a task on another. */
    public record Snapshot(Map<String, String> fields) {
        /** {@code task} running with these fields, the running thread's own restored afterwards. */
        public Runnable wrap(Runnable task) {
            if (fields.isEmpty()) {
                return task;
            }
            return () -> {
                Map<String, String> before = capture().fields();
                before.keySet().forEach(LogFields::remove);
                fields.forEach(LogFields::put);
                try {
                    task.run();
                } finally {
                    fields.keySet().forEach(LogFields::remove);
                    before.forEach(LogFields::put);
                }
            };
        }
    }

    /** True when log lines carry these fields (running inside Liberty). */
    public static boolean supported() {
        return ADD != null;
    }

    public static void put(String name, String value) {
        if (value == null) {
            return;
        }
        Map<String, String> current = CURRENT.get();
        if (current == null) {
            current = new LinkedHashMap<>();
            CURRENT.set(current);
        }
        current.put(name, value);
        if (ADD == null) {
            return;
        }
        try {
            ADD.invokeExact(name, value);
        } catch (Throwable e) {
            // Logging context is best effort; never fail a request over it.
        }
    }

    public static void remove(String name) {
        Map<String, String> current = CURRENT.get();
        if (current != null && current.remove(name) != null && current.isEmpty()) {
            CURRENT.remove(); // pooled threads keep no map between requests
        }
        if (REMOVE == null) {
            return;
        }
        try {
            boolean ignored = (boolean) REMOVE.invokeExact(name);
        } catch (Throwable e) {
            // best effort, as above
        }
    }
}
