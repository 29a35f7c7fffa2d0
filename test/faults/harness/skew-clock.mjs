// Test-only preload (`node --import`), never part of the build: shifts this process's wall clock
// by CALLSHEET_FAULTS_CLOCK_OFFSET_MS, as a replica whose clock runs fast or slow. Injected at the
// process boundary like faketime, so the service under test is the unmodified compiled one.
const offset = Number(process.env.CALLSHEET_FAULTS_CLOCK_OFFSET_MS ?? 0);
if (offset) {
  const RealDate = Date;
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = SkewedDate;
}
