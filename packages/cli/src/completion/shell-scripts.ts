import { COMPLETE_COMMAND } from './complete-command.js';

/** The shells Berth writes completion scripts for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/**
 * The script a shell sources. Each one hands the words typed so far to `berth __complete`, which
 * prints one candidate per line (`value<TAB>description`), and falls back to file names when it
 * prints nothing. Ours, not oclif's plugin-autocomplete: that plugin lists commands and flags in a
 * static cache, with no fish, and cannot complete machine names or a driver's flags.
 */
export function completionScript(shell: CompletionShell, bin: string): string {
  switch (shell) {
    case 'bash':
      return bashScript(bin);
    case 'zsh':
      return zshScript(bin);
    case 'fish':
      return fishScript(bin);
  }
}

// bash splits words at COMP_WORDBREAKS (= and :), so the line is split again at blanks only, and
// each candidate loses what precedes bash's own current word (`--driver=` of `--driver=generic`).
function bashScript(bin: string): string {
  const fn = `_${identifier(bin)}_complete`;
  return `# ${bin} completion for bash: source <(${bin} autocomplete script bash)
${fn}() {
    local line=\${COMP_LINE:0:COMP_POINT}
    local -a words
    read -r -a words <<< "$line"
    [[ $line =~ [[:space:]]$ || \${#words[@]} -eq 0 ]] && words+=("")
    local cur=\${COMP_WORDS[COMP_CWORD]}
    local word=\${words[\${#words[@]}-1]}
    local IFS=$'\\n'
    local -a candidates
    candidates=($(command ${bin} ${COMPLETE_COMMAND} "\${words[@]:1}" 2>/dev/null))
    candidates=("\${candidates[@]%%$'\\t'*}")
    local lead=\${word%"$cur"}
    COMPREPLY=("\${candidates[@]#"$lead"}")
    if [[ \${#COMPREPLY[@]} -eq 1 && \${COMPREPLY[0]} == *[=:] ]]; then
        compopt -o nospace
    fi
}
complete -o default -F ${fn} ${bin}
`;
}

function zshScript(bin: string): string {
  const fn = `_${identifier(bin)}`;
  return `#compdef ${bin}
# ${bin} completion for zsh: source <(${bin} autocomplete script zsh)
${fn}() {
  local -a lines entries open
  local line value
  lines=("\${(@f)$(command ${bin} ${COMPLETE_COMMAND} "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  for line in "\${lines[@]}"; do
    [[ -z $line ]] && continue
    value=\${line%%$'\\t'*}
    value=\${value//:/\\\\:}
    [[ $line == *$'\\t'* ]] && value="$value:\${line#*$'\\t'}"
    if [[ \${line%%$'\\t'*} == *[=:] ]]; then open+=("$value"); else entries+=("$value"); fi
  done
  if (( \${#entries} + \${#open} == 0 )); then
    _files
    return
  fi
  (( \${#open} )) && _describe -t ${bin}-open '${bin}' open -S ''
  (( \${#entries} )) && _describe -t ${bin} '${bin}' entries
  return 0
}
if (( ! $+functions[compdef] )); then
  autoload -Uz compinit && compinit
fi
compdef ${fn} ${bin}
`;
}

function fishScript(bin: string): string {
  const fn = `__${identifier(bin)}_complete`;
  return `# ${bin} completion for fish: ${bin} autocomplete script fish > ~/.config/fish/completions/${bin}.fish
function ${fn}
    set -l words (commandline -opc)
    set -e words[1]
    set -l current (commandline -ct)
    set -l candidates (command ${bin} ${COMPLETE_COMMAND} $words "$current" 2>/dev/null)
    if test (count $candidates) -eq 0
        __fish_complete_path "$current"
        return
    end
    printf '%s\\n' $candidates
end
complete -c ${bin} -f -a '(${fn})'
`;
}

/** `berth` as part of a shell function's name. */
function identifier(bin: string): string {
  return bin.replace(/[^A-Za-z0-9_]/g, '_');
}
