//! The environment as settings read it: one place where an empty variable
//! means an unset one.

/// An environment variable's value, or `None` when it is unset, empty or
/// blank. The one reading of the environment for settings: compose passes
/// every optional setting as `${VAR:-}`, an empty string, which must mean
/// "not set" and never "set to nothing".
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `command` (and its subcommands) with every flag whose variable is set
/// but empty read as if the variable were unset: its default, or absent.
/// (clap takes an empty variable as a value.)
pub fn empty_is_unset(command: clap::Command) -> clap::Command {
    command
        .mut_args(|arg| {
            // Only a variable that is set (else `--help` would lose its
            // `[env: …]`) and empty or blank.
            let empty = arg.get_env().is_some_and(|name| {
                std::env::var_os(name).is_some() && name.to_str().is_some_and(|n| var(n).is_none())
            });
            if empty { arg.env(None) } else { arg }
        })
        .mut_subcommands(empty_is_unset)
}
