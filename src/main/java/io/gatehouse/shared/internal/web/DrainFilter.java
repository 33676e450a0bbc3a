package io.gatehouse.shared.internal.web;

import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.error.ErrorBodies;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Counts the requests inside the application for {@link ShutdownDrain} (an asynchronous request
 * until it completes), and once the server is stopping refuses new ones with 503 and {@code
 * Connection: close}, so that clients retry on another instance instead of being cut.
 */
@WebFilter(filterName = "drain", urlPatterns = "/*", asyncSupported = true)
public class DrainFilter extends HttpFilter {
    @Inject ShutdownDrain drain;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!drain.enter()) {
            refuse(req, res);
            return;
        }
        boolean async = false;
        try {
            chain.doFilter(req, res);
            if (req.isAsyncStarted()) {
                async = true;
                req.getAsyncContext().addListener(new Leave());
            }
        } finally {
            if (!async) {
                drain.leave();
            }
        }
    }

    private final class Leave implements AsyncListener {
        private boolean left;

        private synchronized void once() {
            if (!left) {
                left = true;
                drain.leave();
            }
        }

        @Override
        public void onComplete(AsyncEvent e) {
            once();
        }

        @Override
        public void onTimeout(AsyncEvent e) {
            once();
        }

        @Override
        public void onError(AsyncEvent e) {
            once();
        }

        @Override
        public void onStartAsync(AsyncEvent e) {
            // the same request goes on asynchronously again: stay registered, still counted
            e.getAsyncContext().addListener(this);
        }
    }

    private static void refuse(HttpServletRequest req, HttpServletResponse res) throws IOException {
        res.setHeader("Connection", "close");
        res.setHeader("Retry-After", "1");
        ErrorBodies.write(
                res,
                req.getRequestURI(),
                503,
                "shutting_down",
                "This Gatehouse instance is shutting down; retry on another instance",
                (String) req.getAttribute(RequestIds.ATTRIBUTE));
    }
}
