/**
 * The VBox.log line that says VirtualBox could not use hardware virtualization, or undefined.
 * Docker Machine's markers, plus AMD-V's (which it missed) and the native-API fallback that fails
 * when Hyper-V holds the CPU's virtualization on Windows.
 */
export function vtxProblemLine(log: string): string | undefined {
  const lines = log.split(/\r?\n/);
  return lines.find(
    (line) =>
      (line.includes('VT-x is disabled') &&
        !line.includes('Falling back to raw-mode: VT-x is disabled in the BIOS for all CPU modes')) ||
      line.includes('the host CPU does NOT support HW virtualization') ||
      line.includes('VERR_VMX_UNABLE_TO_START_VM') ||
      line.includes('VERR_VMX_NO_VMX') ||
      line.includes('VERR_SVM_DISABLED') ||
      line.includes('VERR_SVM_NO_SVM') ||
      line.includes('VERR_NEM_NOT_AVAILABLE'),
  );
}

/** The last non-empty line of VBox.log (Docker Machine added it to a failed start as `Details:`). */
export function lastLogLine(log: string): string | undefined {
  return log
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .at(-1);
}
