//! The `vnnews` binary: everything lives in the library; see `vnnews::cli`.
fn main() -> std::process::ExitCode {
    vnnews::cli::main()
}
