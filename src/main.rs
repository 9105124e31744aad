//! The `ombudsearch` binary: parse the command line, run it, choose the exit
//! code. Everything else lives in the library.

use clap::Parser;
use ombudsearch::cli::Cli;
use ombudsearch::commands;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = commands::run(cli);
    let code = commands::exit_code(&result);
    if let Err(e) = &result
        && code != 0
    {
        eprintln!("ombudsearch: {e:#}");
    }
    ExitCode::from(code)
}
