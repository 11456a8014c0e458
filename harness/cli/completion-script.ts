// Shell completion scripts generated from the commands' own flag declarations: commands,
// subcommands, flags per (sub)command, and the values of flags that have fixed choices.
import type { Command, Flag } from '../command.js';
import { globalFlags } from './help.js';

export interface CompletionInput {
  /** Top-level command names. */
  commands: string[];
  /** Group name -> subcommand names. */
  groups: Record<string, string[]>;
  /** 'run' or 'model build' -> the command. */
  leaves: { path: string; command: Command }[];
}

const quote = (words: string[]): string => words.join(' ');

function flagWords(flags: Record<string, Flag>): string[] {
  return Object.entries({ ...flags, ...globalFlags }).flatMap(([name, flag]) => [`--${name}`, ...(flag.short === undefined ? [] : [`-${flag.short}`])]);
}

/** Candidates for the value of each flag with choices, or file completion. */
function valueCases(leaves: CompletionInput['leaves']): string[] {
  const cases: string[] = [];
  for (const { path, command } of leaves) {
    for (const [name, flag] of Object.entries(command.flags)) {
      if (flag.type !== 'string') continue;
      const spelled = [`--${name}`, ...(flag.short === undefined ? [] : [`-${flag.short}`])].map((f) => `"${path}:${f}"`).join('|');
      if (flag.choices) cases.push(`      ${spelled}) COMPREPLY=( $(compgen -W "${quote([...flag.choices])}" -- "$cur") ); return ;;`);
      else if (flag.file) cases.push(`      ${spelled}) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;`);
      else cases.push(`      ${spelled}) COMPREPLY=(); return ;;`);
    }
  }
  return cases;
}

export function bashCompletion(input: CompletionInput): string {
  const groupCases = Object.entries(input.groups).map(([group, subs]) => `    ${group}) groups="${quote(subs)}" ;;`);
  const flagCases = input.leaves.map(({ path, command }) => `      "${path}") COMPREPLY=( $(compgen -W "${quote(flagWords(command.flags))}" -- "$cur") ) ;;`);
  const positionalCases = input.leaves
    .filter(({ path }) => path === 'completion')
    .map(() => `      "completion") COMPREPLY=( $(compgen -W "bash zsh" -- "$cur") ); return ;;`);
  return `# vharness completion for bash. Load it with
#   source <(vharness completion bash)
# or save it as ~/.local/share/bash-completion/completions/vharness
_vharness() {
  local cur prev cmd path groups=""
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${quote(input.commands)} --help --version" -- "$cur") )
    return
  fi
  cmd="\${COMP_WORDS[1]}"
  path="$cmd"
  case "$cmd" in
${groupCases.join('\n')}
  esac
  if [ -n "$groups" ]; then
    if [ "$COMP_CWORD" -eq 2 ]; then
      COMPREPLY=( $(compgen -W "$groups --help" -- "$cur") )
      return
    fi
    path="$cmd \${COMP_WORDS[2]}"
  fi
  if [ "$cmd" = help ]; then
    case "$COMP_CWORD" in
      2) COMPREPLY=( $(compgen -W "${quote(input.commands)}" -- "$cur") ) ;;
      3) COMPREPLY=( $(compgen -W "$(_vharness_subs "\${COMP_WORDS[2]}")" -- "$cur") ) ;;
    esac
    return
  fi
  case "$path:$prev" in
${valueCases(input.leaves).join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    case "$path" in
${flagCases.join('\n')}
    esac
    return
  fi
  case "$path" in
${positionalCases.join('\n')}
  esac
  COMPREPLY=( $(compgen -f -- "$cur") )
}
_vharness_subs() {
  case "$1" in
${Object.entries(input.groups).map(([group, subs]) => `    ${group}) echo "${quote(subs)}" ;;`).join('\n')}
  esac
}
complete -o filenames -F _vharness vharness
`;
}

/** zsh runs the bash function through bashcompinit (one definition of what completes where). */
export function zshCompletion(input: CompletionInput): string {
  return `#compdef vharness
# vharness completion for zsh. Load it with
#   source <(vharness completion zsh)
# (it uses zsh's bashcompinit, so compinit must have run: autoload -U compinit && compinit)
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(input).split('\n').filter((l) => !l.startsWith('#')).join('\n')}`;
}
