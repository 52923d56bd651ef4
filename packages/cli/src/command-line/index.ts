export type { FlagSpec, FlagSpecs } from './flag-spec.js';
export { asksForHelp } from './help-request.js';
export { type CommandSpec, commandSpec, type ManifestCommand, manifestCommands } from './manifest-specs.js';
export { argumentsOf, flagInputs, type Token, type Tokenized, type TokenizeFault, tokenize } from './tokenize.js';
