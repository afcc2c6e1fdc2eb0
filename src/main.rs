//! The `ccsim` command: parses arguments and hands over to the library.

fn main() -> std::process::ExitCode {
    ccsim::cli::main()
}
