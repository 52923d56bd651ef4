/**
 * How long the driver waits for EC2 (an instance's address, its termination): 5 minutes, or
 * `BERTH_AMAZONEC2_WAIT_SECONDS`.
 */
export function waitLimitMs(): number {
  const seconds = Number(process.env.BERTH_AMAZONEC2_WAIT_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 5 * 60_000;
}
