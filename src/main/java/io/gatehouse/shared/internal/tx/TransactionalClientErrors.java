package io.gatehouse.shared.internal.tx;

import io.gatehouse.shared.error.GatehouseException;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.io.Serializable;

/**
 * Expected client errors (4xx {@link GatehouseException}s: validation, not found, forbidden,
 * conflict) leave {@code @Transactional} methods without an FFDC incident in {@code logs/ffdc}:
 * Liberty's transaction manager records one for every runtime exception crossing its interceptor
 * (UOWManagerImpl), which buried real incidents under ordinary bad requests. An inner interceptor
 * (inside Liberty's, priority PLATFORM_BEFORE+200) marks the transaction rollback-only as the
 * runtime exception would have (unless {@code dontRollbackOn} names it) and passes the error out as
 * a checked {@link ClientErrorCarrier}; an outer one turns it back into the original exception, so
 * callers and the problem-JSON mappers see exactly what was thrown. Server errors (5xx) and every
 * other exception pass untouched. One pair per transaction type the application uses (the type is a
 * binding member of {@code @Transactional}).
 */
public final class TransactionalClientErrors {
    static final int OUTER = Interceptor.Priority.PLATFORM_BEFORE + 150;
    static final int INNER = Interceptor.Priority.PLATFORM_BEFORE + 250;

    private TransactionalClientErrors() {}

    /** Inside Liberty's interceptor: a client error leaves as a checked exception. */
    abstract static class Inner implements Serializable {
        private static final long serialVersionUID = 1L;

        @Resource transient TransactionSynchronizationRegistry registry;

        @AroundInvoke
        public Object carry(InvocationContext ctx) throws Exception {
            try {
                return ctx.proceed();
            } catch (GatehouseException e) {
                if (e.status() >= 500) {
                    throw e;
                }
                if (rollsBack(ctx, e)
                        && registry != null
                        && registry.getTransactionStatus() == Status.STATUS_ACTIVE) {
                    registry.setRollbackOnly();
                }
                throw new ClientErrorCarrier(e);
            }
        }
    }

    /** Outside Liberty's interceptor: the original exception again. */
    abstract static class Outer implements Serializable {
        private static final long serialVersionUID = 1L;

        @AroundInvoke
        public Object uncarry(InvocationContext ctx) throws Exception {
            try {
                return ctx.proceed();
            } catch (Exception e) {
                GatehouseException carried = ClientErrorCarrier.carried(e);
                if (carried != null) {
                    throw carried;
                }
                throw e;
            }
        }
    }

    /**
     * As Jakarta Transactions rules a runtime exception: rollback unless {@code dontRollbackOn}
     * names it (which takes precedence over {@code rollbackOn}).
     */
    static boolean rollsBack(InvocationContext ctx, RuntimeException e) {
        Transactional t = ctx.getMethod().getAnnotation(Transactional.class);
        if (t == null) {
            t = ctx.getMethod().getDeclaringClass().getAnnotation(Transactional.class);
        }
        if (t == null) {
            return true;
        }
        for (Class<?> c : t.dontRollbackOn()) {
            if (c.isInstance(e)) {
                return false;
            }
        }
        return true;
    }

    @Transactional(Transactional.TxType.REQUIRED)
    @Interceptor
    @Priority(INNER)
    public static class RequiredInner extends Inner {
        private static final long serialVersionUID = 1L;
    }

    @Transactional(Transactional.TxType.REQUIRED)
    @Interceptor
    @Priority(OUTER)
    public static class RequiredOuter extends Outer {
        private static final long serialVersionUID = 1L;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    @Interceptor
    @Priority(INNER)
    public static class RequiresNewInner extends Inner {
        private static final long serialVersionUID = 1L;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    @Interceptor
    @Priority(OUTER)
    public static class RequiresNewOuter extends Outer {
        private static final long serialVersionUID = 1L;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    @Interceptor
    @Priority(INNER)
    public static class MandatoryInner extends Inner {
        private static final long serialVersionUID = 1L;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    @Interceptor
    @Priority(OUTER)
    public static class MandatoryOuter extends Outer {
        private static final long serialVersionUID = 1L;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    @Interceptor
    @Priority(INNER)
    public static class SupportsInner extends Inner {
        private static final long serialVersionUID = 1L;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    @Interceptor
    @Priority(OUTER)
    public static class SupportsOuter extends Outer {
        private static final long serialVersionUID = 1L;
    }
}
