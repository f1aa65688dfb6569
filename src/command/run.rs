//! `Command::spawn`, `status` and `output`: turn the builder into the
//! spawn engine's `Plan` (every allocation happens here, before the fork),
//! and `Child::wait_with_output`.
//!
//! # Safety
//!
//! The one `unsafe` call is the spawn engine's `run`, whose contract is
//! that the argument and environment pointer arrays are NULL-terminated
//! and point at live C strings: they are built here from `CString`s that
//! outlive the call.
#![allow(unsafe_code)]

use super::{Command, Stdio, StdioKind};
use crate::errno::Errno;
use crate::fd::{AsFd, AsRawFd, OwnedFd};
use crate::flags::CloneFlags;
use crate::spawn::plan::{self, Plan, above_stdio, pipe_above_stdio};
use crate::spawn::{Child, IdMap};
use crate::{raw, sys};
use std::collections::BTreeMap;
use std::ffi::{CString, OsStr, OsString};
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::process::{ExitStatus, Output};
use std::string::String;
use std::vec::Vec;

/// `execvp`'s search path when the environment has no `PATH`.
const DEFAULT_PATH: &[u8] = b"/bin:/usr/bin";

fn nul_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "nul byte found in provided data",
    )
}

fn cstring(bytes: &[u8]) -> io::Result<CString> {
    CString::new(bytes).map_err(|_| nul_error())
}

/// The NULL-terminated pointer array for a list of C strings.
fn pointers(strings: &[CString]) -> Vec<*const u8> {
    strings
        .iter()
        .map(|s| s.as_ptr().cast::<u8>())
        .chain(core::iter::once(core::ptr::null()))
        .collect()
}

/// What a child gets on one of 0/1/2, and the parent's end of a pipe.
struct StdioSetup {
    child: Option<OwnedFd>,
    parent: Option<OwnedFd>,
}

fn setup_stdio(cfg: &Stdio, fd: usize) -> io::Result<StdioSetup> {
    let none = StdioSetup {
        child: None,
        parent: None,
    };
    Ok(match &cfg.0 {
        StdioKind::Inherit => none,
        StdioKind::Null => {
            let mode = if fd == 0 {
                raw::O_RDONLY
            } else {
                raw::O_WRONLY
            };
            let f = sys::open_cwd(c"/dev/null", mode | raw::O_CLOEXEC, 0)?;
            StdioSetup {
                child: Some(above_stdio(f)?),
                parent: None,
            }
        }
        StdioKind::Piped => {
            let (r, w) = pipe_above_stdio()?;
            let (child, parent) = if fd == 0 { (r, w) } else { (w, r) };
            StdioSetup {
                child: Some(child),
                parent: Some(parent),
            }
        }
        // A fresh duplicate (>= 3, CLOEXEC): the Command keeps its own,
        // so it can spawn again.
        StdioKind::Fd(f) => StdioSetup {
            child: Some(sys::dup_cloexec(f.as_fd())?),
            parent: None,
        },
    })
}

/// The `id_map` text: one `inside outside count` line each.
fn map_text(lines: &[[u32; 3]], default: &IdMap) -> Vec<u8> {
    if lines.is_empty() {
        return default.as_bytes().to_vec();
    }
    let mut s = String::new();
    for [a, b, c] in lines {
        s.push_str(&std::format!("{a} {b} {c}\n"));
    }
    s.into_bytes()
}

impl Command {
    /// The environment the program will see, as `KEY=VALUE` strings, and
    /// its `PATH`.
    fn environment(&self) -> io::Result<(Vec<CString>, Vec<u8>)> {
        let mut env: BTreeMap<OsString, OsString> = if self.env_clear {
            BTreeMap::new()
        } else {
            std::env::vars_os().collect()
        };
        for (k, v) in &self.env {
            match v {
                Some(v) => env.insert(k.clone(), v.clone()),
                None => env.remove(k),
            };
        }
        let path = env
            .get(OsStr::new("PATH"))
            .map_or(DEFAULT_PATH.to_vec(), |p| p.as_bytes().to_vec());
        let mut out = Vec::with_capacity(env.len());
        for (k, v) in &env {
            let mut kv = k.as_bytes().to_vec();
            kv.push(b'=');
            kv.extend_from_slice(v.as_bytes());
            out.push(cstring(&kv)?);
        }
        Ok((out, path))
    }

    /// The paths to try: the program itself if it has a `/`, else one per
    /// `PATH` entry (an empty entry is the working directory).
    fn candidates(&self, path: &[u8]) -> io::Result<Vec<CString>> {
        let prog = self.program.as_bytes();
        if prog.contains(&0) {
            return Err(nul_error());
        }
        if prog.contains(&b'/') {
            return Ok(std::vec![cstring(prog)?]);
        }
        if prog.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for dir in path.split(|&b| b == b':') {
            let mut p = dir.to_vec();
            if !p.is_empty() && !p.ends_with(b"/") {
                p.push(b'/');
            }
            p.extend_from_slice(prog);
            // A PATH entry with a NUL cannot be an exec candidate.
            if let Ok(c) = CString::new(p) {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Starts the program with the configured stdio (inherited where not
    /// set) and returns its [`Child`], with the pidfd made by the same
    /// `clone` and the caller's ends of piped stdio.
    ///
    /// # Errors
    /// `InvalidInput` for a NUL byte in the program, an argument, the
    /// environment or the directory; otherwise the OS error (an
    /// [`Errno`] inside `std::io::Error`, `Errno::try_from(&e)` gives it
    /// back): `ENOENT` no such program on `PATH` (or no such working
    /// directory), `EACCES` found but not executable, `ENOEXEC` not a
    /// format the kernel runs (no `/bin/sh` retry, as std), `EPERM` from
    /// `setuid`/`setgid`/`setgroups` without privilege, `EINVAL` for
    /// [`CloneFlags::PARENT`] or id maps without `NEWUSER`, and the errors
    /// of [`spawn`](crate::spawn()). Nothing is left behind on failure (no
    /// zombie, no fd).
    ///
    /// # Kernel support
    /// As [`spawn`](crate::spawn()): `clone3` 5.3 or legacy
    /// `clone(CLONE_PIDFD)` 5.2.
    pub fn spawn(&mut self) -> io::Result<Child> {
        self.spawn_with([StdioKind::Inherit, StdioKind::Inherit, StdioKind::Inherit])
    }

    /// Runs the program to completion with inherited stdio (where not set)
    /// and returns its status, as `std::process::Command::status`.
    ///
    /// # Errors
    /// As [`spawn`](Command::spawn); then those of [`Child::wait`].
    ///
    /// # Kernel support
    /// As [`spawn`](Command::spawn).
    pub fn status(&mut self) -> io::Result<ExitStatus> {
        let mut child = self.spawn()?;
        Ok(child.wait()?.into())
    }

    /// Runs the program to completion and collects its stdout and stderr
    /// (piped unless set; stdin is `/dev/null` unless set), as
    /// `std::process::Command::output`.
    ///
    /// # Errors
    /// As [`spawn`](Command::spawn) and [`Child::wait_with_output`].
    ///
    /// # Kernel support
    /// As [`spawn`](Command::spawn).
    pub fn output(&mut self) -> io::Result<Output> {
        self.spawn_with([StdioKind::Null, StdioKind::Piped, StdioKind::Piped])?
            .wait_with_output()
    }

    fn spawn_with(&mut self, defaults: [StdioKind; 3]) -> io::Result<Child> {
        let has_maps = !self.uid_map.is_empty() || !self.gid_map.is_empty();
        if has_maps && !self.flags.contains(CloneFlags::NEWUSER) {
            return Err(Errno::EINVAL.into());
        }
        let (env, path) = self.environment()?;
        let programs = self.candidates(&path)?;
        let mut argv = std::vec![cstring(
            self.arg0.as_deref().unwrap_or(&self.program).as_bytes()
        )?];
        for a in &self.args {
            argv.push(cstring(a.as_bytes())?);
        }
        let cwd = match &self.cwd {
            Some(d) => Some(cstring(d.as_os_str().as_bytes())?),
            None => None,
        };
        let [d0, d1, d2] = defaults.map(Stdio);
        let mut stdio = Vec::with_capacity(3);
        for (i, default) in [d0, d1, d2].iter().enumerate() {
            stdio.push(setup_stdio(self.stdio[i].as_ref().unwrap_or(default), i)?);
        }
        let uid_map = map_text(&self.uid_map, &IdMap::root_to(sys::geteuid()));
        let gid_map = map_text(&self.gid_map, &IdMap::root_to(sys::getegid()));

        let program_refs: Vec<&core::ffi::CStr> = programs.iter().map(|c| c.as_c_str()).collect();
        let argv_p = pointers(&argv);
        let envp_p = pointers(&env);
        let mut plan = Plan::exec(&program_refs, &argv_p, &envp_p, self.flags);
        for (slot, s) in plan.stdio.iter_mut().zip(&stdio) {
            *slot = s.child.as_ref().map(|f| f.as_fd());
        }
        plan.cwd = cwd.as_deref();
        plan.setsid = self.setsid;
        plan.pgroup = self.pgroup;
        plan.rlimits = &self.rlimits;
        plan.groups = self.groups.as_deref();
        plan.gid = self.gid;
        plan.uid = self.uid;
        if self.flags.contains(CloneFlags::NEWUSER) {
            plan.maps = Some((&uid_map, &gid_map));
        }
        // SAFETY: `argv_p` and `envp_p` are NULL-terminated and point into
        // `argv` and `env`, which outlive the call.
        let (pid, pidfd) = unsafe { plan::run(&plan) }?;
        let mut child = Child::new(pid, pidfd);
        let mut parents = stdio.into_iter().map(|s| s.parent);
        child.stdin = parents.next().flatten().map(Into::into);
        child.stdout = parents.next().flatten().map(Into::into);
        child.stderr = parents.next().flatten().map(Into::into);
        Ok(child)
    }
}

impl Child {
    /// Waits for the child and collects what it writes to its piped
    /// stdout and stderr (closing its stdin first), as
    /// `std::process::Child::wait_with_output`. Both pipes are read at
    /// once (`ppoll`), so a child filling one while the other is read
    /// cannot deadlock.
    ///
    /// # Errors
    /// A read error on the pipes; then those of [`Child::wait`].
    ///
    /// # Kernel support
    /// As [`Child::wait`].
    pub fn wait_with_output(mut self) -> io::Result<Output> {
        drop(self.stdin.take());
        let (stdout, stderr) = read2(self.stdout.take(), self.stderr.take())?;
        let status = self.wait()?.into();
        Ok(Output {
            status,
            stdout,
            stderr,
        })
    }
}

/// Reads two pipes to their end at the same time.
fn read2(
    out: Option<std::process::ChildStdout>,
    err: Option<std::process::ChildStderr>,
) -> io::Result<(Vec<u8>, Vec<u8>)> {
    let (mut o, mut e) = (Vec::new(), Vec::new());
    match (out, err) {
        (None, None) => {}
        (Some(mut out), None) => {
            out.read_to_end(&mut o)?;
        }
        (None, Some(mut err)) => {
            err.read_to_end(&mut e)?;
        }
        (Some(out), Some(err)) => {
            let mut fds = [
                raw::pollfd {
                    fd: out.as_raw_fd(),
                    events: raw::POLLIN,
                    revents: 0,
                },
                raw::pollfd {
                    fd: err.as_raw_fd(),
                    events: raw::POLLIN,
                    revents: 0,
                },
            ];
            let mut chunk = [0u8; 8192];
            // A negative fd is skipped by poll: that pipe is at its end.
            while fds.iter().any(|p| p.fd >= 0) {
                match sys::ppoll(&mut fds, None) {
                    Err(Errno::EINTR) => continue,
                    r => r?,
                };
                for (p, (f, buf)) in fds
                    .iter_mut()
                    .zip([(out.as_fd(), &mut o), (err.as_fd(), &mut e)])
                {
                    if p.fd < 0 || p.revents == 0 {
                        continue;
                    }
                    match sys::read(f, &mut chunk) {
                        Ok(0) => p.fd = -1,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        Err(Errno::EINTR | Errno::EAGAIN) => {}
                        Err(x) => return Err(x.into()),
                    }
                }
            }
        }
    }
    Ok((o, e))
}
