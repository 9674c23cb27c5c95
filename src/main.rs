use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(msgready::cli::main())
}
