/**
 * The hidden command the completion scripts call: `berth __complete WORD...`, the last word the
 * one to complete. Its own module: start-up checks for it on every run and must not load the
 * scripts' text to do so.
 */
export const COMPLETE_COMMAND = '__complete';
