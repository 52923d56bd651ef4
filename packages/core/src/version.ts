/** Berth's own version, shown by `berth version` and sent to drivers in `driver/initialize`. */
export const BERTH_VERSION = '0.1.0';
