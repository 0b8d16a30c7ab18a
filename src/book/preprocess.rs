//! mdBook preprocessors, run through mdBook's own protocol.
//!
//! Each `[preprocessor.NAME]` program is first asked `NAME supports html`
//! (a non-zero exit means "skip me for this renderer"), then given
//! `[context, book]` as JSON on stdin and must print the book, as JSON, on
//! stdout. It runs in the project folder through `sh -c`, as mdBook runs it,
//! and is killed after [`TIMEOUT`]. Its failures name it, with its stderr.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::config::{Config, Preprocessor};
use crate::diagnostics::Diagnostic;

/// How long one run of a preprocessor may take; `REMEDY_PREPROCESSOR_TIMEOUT`
/// (seconds) changes it, e.g. for one that compiles itself on first use.
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// The mdBook version remedy speaks the protocol of.
pub const MDBOOK_VERSION: &str = "0.5.4";

/// Runs `pre` on `book` (mdBook's `Book` JSON); `Ok(None)` when it does not
/// support the html renderer.
pub fn run(config: &Config, pre: &Preprocessor, book: &Value) -> Result<Option<Value>, Diagnostic> {
    let timeout = std::env::var("REMEDY_PREPROCESSOR_TIMEOUT")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map_or(TIMEOUT, Duration::from_secs);
    let supports = exec(
        config,
        pre,
        &format!("{} supports html", pre.command),
        None,
        timeout,
    )?;
    if supports.status == Some(127) {
        let d = if pre.optional {
            Diagnostic::warning(format!(
                "preprocessor `{}` is not installed (`{}`); skipped because it is optional",
                pre.name, pre.command
            ))
        } else {
            Diagnostic::error(format!(
                "preprocessor `{}` failed: command not found: `{}`",
                pre.name, pre.command
            ))
        };
        return Err(d
            .at(&config.source, pre.span.clone())
            .with_help("install it, set `command`, or build with --skip-preprocessor NAME"));
    }
    if supports.status != Some(0) {
        // mdBook skips it too; but a program that says why (a build that
        // failed, say) is more likely broken than unwilling.
        if supports.stderr.trim().is_empty() {
            return Ok(None);
        }
        let tail: Vec<&str> = supports.stderr.trim().lines().rev().take(4).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(Diagnostic::warning(format!(
            "preprocessor `{}` skipped: `{} supports html` failed; it printed:\n{}",
            pre.name,
            pre.command,
            tail.join("\n")
        ))
        .at(&config.source, pre.span.clone())
        .with_help("mdBook skips it the same way; fix the command, or remove the table"));
    }
    let context = json!({
        "root": config.root,
        "config": config.json,
        "renderer": "html",
        "mdbook_version": MDBOOK_VERSION,
    });
    let input = serde_json::to_vec(&json!([context, book]))
        .map_err(|e| fail(config, pre, &format!("cannot write its input: {e}"), ""))?;
    let out = exec(config, pre, &pre.command, Some(&input), timeout)?;
    if out.status != Some(0) {
        let code = out.status.map_or("was killed".to_string(), |c| {
            format!("exited with status {c}")
        });
        return Err(fail(config, pre, &code, &out.stderr));
    }
    serde_json::from_slice::<Value>(&out.stdout)
        .ok()
        .filter(|v| v.get("items").is_some_and(Value::is_array))
        .map(Some)
        .ok_or_else(|| {
            fail(
                config,
                pre,
                "its output is not a book (JSON with `items`)",
                &out.stderr,
            )
        })
}

struct Output {
    status: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

fn exec(
    config: &Config,
    pre: &Preprocessor,
    command: &str,
    input: Option<&[u8]>,
    timeout: Duration,
) -> Result<Output, Diagnostic> {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .current_dir(&config.root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group, so a timeout also ends what it started
    // (`cargo run` and the program it runs, say).
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd
        .spawn()
        .map_err(|e| fail(config, pre, &format!("cannot start `sh`: {e}"), ""))?;
    // Pipes are drained on threads so a chatty program cannot block on a
    // full pipe while we wait for it.
    let stdin = child.stdin.take();
    let data = input.map(<[u8]>::to_vec).unwrap_or_default();
    let writer = std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            // A program that exits without reading closes the pipe; that is
            // reported through its exit status, not here.
            let _ = stdin.write_all(&data);
        }
    });
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = &mut stdout {
            let _ = s.read_to_end(&mut buf);
        }
        buf
    });
    let mut stderr = child.stderr.take();
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = &mut stderr {
            let _ = s.read_to_end(&mut buf);
        }
        buf
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > timeout => {
                #[cfg(unix)]
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .stderr(Stdio::null())
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(
                    config,
                    pre,
                    &format!("timed out after {} s", timeout.as_secs()),
                    "",
                )
                .with_help("set REMEDY_PREPROCESSOR_TIMEOUT (seconds) to wait longer, or build with --skip-preprocessor NAME"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(fail(config, pre, &format!("cannot wait for it: {e}"), "")),
        }
    };
    let _ = writer.join();
    let stdout = reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Ok(Output {
        status: status.code(),
        stdout,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    })
}

fn fail(config: &Config, pre: &Preprocessor, why: &str, stderr: &str) -> Diagnostic {
    let stderr = stderr.trim();
    let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    let msg = if stderr.is_empty() {
        format!("preprocessor `{}` failed: {why}", pre.name)
    } else {
        format!(
            "preprocessor `{}` failed: {why}; it printed:\n{}",
            pre.name,
            tail.join("\n")
        )
    };
    Diagnostic::error(msg)
        .at(&config.source, pre.span.clone())
        .with_label("this command")
        .with_help(
            "run the command by hand in the project folder, or build with --skip-preprocessor NAME",
        )
}
