import { fileURLToPath } from 'node:url';

/** The recipes folder ships beside src/ and dist/, so both resolve it the same way. */
export const RECIPES_DIR = fileURLToPath(new URL('../../recipes/', import.meta.url));
