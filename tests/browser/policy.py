"""Every browser test fails on a Content-Security-Policy (or Permissions-Policy) violation: the
pages, the charts, the live updates, the chat and the API docs are proven to work under the
policy, not only to send it."""

from __future__ import annotations

# Chromium reports a violation in the console ("Refused to execute inline script because it
# violates the following Content Security Policy directive …"); the listener below reports it
# again with its directive, in case a message is ever worded differently.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  console.error(`CSP violation: ${event.violatedDirective} blocked ${blocked}`);
});
"""
MARKERS = (
    "Content Security Policy",
    "Content-Security-Policy",
    "CSP violation",
    "Permissions-Policy",
)


def watch_policy(context, *, into: list[str] | None = None) -> list[str]:
    """Collect the policy violations of every page of a Playwright browser context (in
    ``into`` when given)."""
    violations: list[str] = [] if into is None else into
    context.add_init_script(_REPORT_VIOLATIONS)

    def on_console(message) -> None:
        if any(marker in message.text for marker in MARKERS):
            violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    context.on("console", on_console)
    return violations
