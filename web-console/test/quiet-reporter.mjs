// A node:test reporter for the Maven build (mvn -q stays quiet): failures in full, then one line
// "console unit tests: N passed, N failed".
export default async function* quietReporter(source) {
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    if (event.data?.details?.type === "suite") continue;
    if (event.type === "test:pass" && !event.data.skip && !event.data.todo) passed++;
    if (event.type === "test:fail") {
      failed++;
      const err = event.data.details?.error;
      const cause = err?.cause ?? err;
      yield `FAIL ${event.data.name} (${event.data.file ?? ""})\n${cause?.stack ?? cause?.message ?? String(cause)}\n\n`;
    }
  }
  yield `console unit tests: ${passed} passed, ${failed} failed\n`;
}
