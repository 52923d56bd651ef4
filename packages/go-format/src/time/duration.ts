/**
 * Go's time.Duration.String(): `0s`, `350ms`, `1.5µs`, `1s`, `1.2s`, `1m30s`, `1h0m0s`.
 * docker-machine printed `ls --format '{{.ResponseTime}}'` this way.
 */
export function formatGoDuration(nanoseconds: bigint): string {
  const negative = nanoseconds < 0n;
  const u = negative ? -nanoseconds : nanoseconds;
  let text: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    if (u < 1_000n) text = `${u}ns`;
    else if (u < 1_000_000n) text = `${fraction(u, 3)}µs`;
    else text = `${fraction(u, 6)}ms`;
  } else {
    const totalSeconds = u / 1_000_000_000n;
    const seconds = `${fraction(u % 60_000_000_000n, 9)}s`;
    const minutes = totalSeconds / 60n;
    if (minutes === 0n) text = seconds;
    else {
      const hours = minutes / 60n;
      text = hours === 0n ? `${minutes}m${seconds}` : `${hours}h${minutes % 60n}m${seconds}`;
    }
  }
  return negative ? `-${text}` : text;
}

/** Milliseconds, as Berth measures response times, to a Go duration string. */
export function formatGoDurationMs(milliseconds: number): string {
  return formatGoDuration(BigInt(Math.round(milliseconds)) * 1_000_000n);
}

/** `value / 10^digits` with trailing zeros (and a bare point) dropped. */
function fraction(value: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const whole = value / scale;
  const rest = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return rest === '' ? whole.toString() : `${whole}.${rest}`;
}
