package io.gatehouse.shared.internal.web;

import io.gatehouse.shared.RequestIds;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Gives every request an id (echoed or generated) before anything else runs. */
@WebFilter(filterName = "requestId", urlPatterns = "/*", asyncSupported = true)
public class RequestIdFilter extends HttpFilter {
  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    String id = RequestIds.acceptOrGenerate(req.getHeader(RequestIds.HEADER));
    req.setAttribute(RequestIds.ATTRIBUTE, id);
    res.setHeader(RequestIds.HEADER, id);
    chain.doFilter(req, res);
  }
}
