package io.gatehouse.shared;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Fields added to every log line the current thread writes, as {@code ext_<name>} in Liberty's JSON
 * logs (console and messages.log): the request id and the trace id, so a line of request work can
 * be joined with its access-log line, audit event and trace.
 *
 * <p>Backed by Liberty's {@code LogRecordContext}, looked up reflectively because its API jar is
 * not on Maven Central; outside Liberty (unit tests) this class does nothing. Values must never be
 * secrets or content: only ids.
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

    private LogFields() {}

    /** True when log lines carry these fields (running inside Liberty). */
    public static boolean supported() {
        return ADD != null;
    }

    public static void put(String name, String value) {
        if (ADD == null || value == null) {
            return;
        }
        try {
            ADD.invokeExact(name, value);
        } catch (Throwable e) {
            // Logging context is best effort; never fail a request over it.
        }
    }

    public static void remove(String name) {
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
