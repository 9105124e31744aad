//! The `ombudsearch` binary: parse the command line, run it, choose the exit
//! code. Everything else lives in the library.

use clap::Parser;
use ombudsearch::cli::Cli;
use ombudsearch::commands;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = commands::run(cli);
    if let Err(e) = &result {
        if commands::exit_code(&result) != 0 {
            eprintln!("ombudsearch: {e:#}");
        }
    }
    ExitCode::from(commands::exit_code(&result))
}
