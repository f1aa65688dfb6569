//! `Command` (feature `std`): a process builder with the names of
//! `std::process::Command` (and of `std::os::unix::process::CommandExt`)
//! whose [`spawn`](Command::spawn) returns a [`Child`](crate::Child) holding the pidfd
//! made by the same `clone` that made the process.
//!
//! Everything is prepared before the fork: the C strings, the argument
//! and environment pointer arrays, the `PATH` candidates, the stdio
//! descriptors. The child then runs only raw async-signal-safe syscalls
//! (the crate's `spawn` engine): id-map wait, signal reset, `dup3` onto
//! 0/1/2, `chdir`, `setsid`/`setpgid`, `prlimit64`, `setgroups`,
//! `setgid`, `setuid`, and `execve` of each `PATH` candidate in turn, as
//! `execvp` does. An exec failure comes back as the child's errno.
//!
//! Differences from `std::process::Command`: [`spawn`](Command::spawn)
//! returns this crate's [`Child`](crate::Child) (`pid`, `pidfd`, `stdin`, `stdout`,
//! `stderr`; `wait` returns a [`WaitStatus`](crate::WaitStatus)); stdio
//! takes this module's [`Stdio`] (std's is opaque); there is no
//! `pre_exec` (the child runs no caller code), and new namespaces, id
//! maps, `setsid` and resource limits are built in.

mod run;

use crate::fd::OwnedFd;
use crate::flags::CloneFlags;
use crate::raw;
use std::borrow::ToOwned;
use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::vec::Vec;

/// A process builder mirroring `std::process::Command`: program, `PATH`
/// lookup, arguments, inherited environment with changes, working
/// directory, stdio, and the Unix extras (`uid`, `gid`, `groups`,
/// `process_group`, `arg0`), plus `setsid`, resource limits and new
/// namespaces with user-namespace id maps.
///
/// # Examples
/// ```
/// use pidfs::{Command, Stdio, WaitStatus};
/// use std::io::Read;
///
/// let mut child = Command::new("sh")
///     .args(["-c", "echo hello; exit 3"])
///     .stdout(Stdio::piped())
///     .spawn()?;
/// let mut out = String::new();
/// child.stdout.take().unwrap().read_to_string(&mut out)?;
/// assert_eq!(out, "hello\n");
/// assert_eq!(child.wait()?, WaitStatus::Exited(3));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Command {
    program: OsString,
    arg0: Option<OsString>,
    args: Vec<OsString>,
    env_clear: bool,
    env: BTreeMap<OsString, Option<OsString>>,
    cwd: Option<PathBuf>,
    stdio: [Option<Stdio>; 3],
    setsid: bool,
    pgroup: Option<i32>,
    uid: Option<u32>,
    gid: Option<u32>,
    groups: Option<Vec<u32>>,
    rlimits: Vec<(u32, raw::rlimit64)>,
    flags: CloneFlags,
    uid_map: Vec<[u32; 3]>,
    gid_map: Vec<[u32; 3]>,
}

impl Command {
    /// A command for `program`, with no arguments, the caller's
    /// environment, working directory and stdio.
    ///
    /// A `program` with a `/` is used as is (relative to the working
    /// directory the child ends up in); otherwise each directory of the
    /// `PATH` the program will see (the inherited one, or the one set with
    /// [`env`](Command::env), or `/bin:/usr/bin` when its environment has
    /// none) is tried in order, as `execvp` does: a candidate that exists
    /// but cannot be executed (`EACCES`) is passed over, and `EACCES` is
    /// the answer only if no later one runs.
    pub fn new(program: impl AsRef<OsStr>) -> Command {
        Command {
            program: program.as_ref().to_owned(),
            arg0: None,
            args: Vec::new(),
            env_clear: false,
            env: BTreeMap::new(),
            cwd: None,
            stdio: [None, None, None],
            setsid: false,
            pgroup: None,
            uid: None,
            gid: None,
            groups: None,
            rlimits: Vec::new(),
            flags: CloneFlags::empty(),
            uid_map: Vec::new(),
            gid_map: Vec::new(),
        }
    }

    /// Adds an argument.
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Command {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// Adds arguments.
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for a in args {
            self.arg(a);
        }
        self
    }

    /// `argv[0]` (by default the program as given to [`new`](Command::new)).
    pub fn arg0(&mut self, arg: impl AsRef<OsStr>) -> &mut Command {
        self.arg0 = Some(arg.as_ref().to_owned());
        self
    }

    /// Sets an environment variable for the program.
    pub fn env(&mut self, key: impl AsRef<OsStr>, val: impl AsRef<OsStr>) -> &mut Command {
        self.env
            .insert(key.as_ref().to_owned(), Some(val.as_ref().to_owned()));
        self
    }

    /// Sets several environment variables.
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        for (k, v) in vars {
            self.env(k, v);
        }
        self
    }

    /// Removes an environment variable (inherited or set before).
    pub fn env_remove(&mut self, key: impl AsRef<OsStr>) -> &mut Command {
        self.env.insert(key.as_ref().to_owned(), None);
        self
    }

    /// Starts from an empty environment: only variables set afterwards
    /// with [`env`](Command::env) are passed.
    pub fn env_clear(&mut self) -> &mut Command {
        self.env_clear = true;
        self.env.clear();
        self
    }

    /// The program's working directory (`chdir` in the child, before the
    /// exec, so a relative program path is taken from there).
    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut Command {
        self.cwd = Some(dir.as_ref().to_owned());
        self
    }

    /// The program's stdin ([`Stdio::inherit`] unless set; [`output`]
    /// defaults to [`Stdio::null`]).
    ///
    /// [`output`]: Command::output
    pub fn stdin(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.stdio[0] = Some(cfg.into());
        self
    }

    /// The program's stdout ([`Stdio::inherit`] unless set; [`output`]
    /// defaults to [`Stdio::piped`]).
    ///
    /// [`output`]: Command::output
    pub fn stdout(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.stdio[1] = Some(cfg.into());
        self
    }

    /// The program's stderr ([`Stdio::inherit`] unless set; [`output`]
    /// defaults to [`Stdio::piped`]).
    ///
    /// [`output`]: Command::output
    pub fn stderr(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.stdio[2] = Some(cfg.into());
        self
    }

    /// `setsid()` in the child: the program leads a new session (and
    /// process group) with no controlling terminal.
    pub fn setsid(&mut self, on: bool) -> &mut Command {
        self.setsid = on;
        self
    }

    /// `setpgid(0, pgroup)` in the child: 0 puts the program in a new
    /// process group of its own (as `CommandExt::process_group`).
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        self.pgroup = Some(pgroup);
        self
    }

    /// `setuid(uid)` in the child, after [`gid`](Command::gid) and
    /// [`groups`](Command::groups). Without `groups`, the supplementary
    /// groups are dropped first (`setgroups(0)`; an `EPERM` there is
    /// ignored), as std does. Inside a new user namespace, ids are that
    /// namespace's (see [`uid_map`](Command::uid_map)).
    pub fn uid(&mut self, uid: u32) -> &mut Command {
        self.uid = Some(uid);
        self
    }

    /// `setgid(gid)` in the child.
    pub fn gid(&mut self, gid: u32) -> &mut Command {
        self.gid = Some(gid);
        self
    }

    /// `setgroups(groups)` in the child: the supplementary groups.
    pub fn groups(&mut self, groups: &[u32]) -> &mut Command {
        self.groups = Some(groups.to_vec());
        self
    }

    /// `prlimit64(0, resource, {soft, hard})` in the child: a resource
    /// limit (`raw::RLIMIT_NOFILE`, ...; `raw::RLIM64_INFINITY` for none).
    pub fn rlimit(&mut self, resource: u32, soft: u64, hard: u64) -> &mut Command {
        self.rlimits.push((
            resource,
            raw::rlimit64 {
                rlim_cur: soft,
                rlim_max: hard,
            },
        ));
        self
    }

    /// Clone flags for the child: new namespaces ([`CloneFlags::NEWUSER`],
    /// [`CloneFlags::NEWPID`], [`CloneFlags::NEWNS`], ...). With
    /// `NEWUSER`, the [`uid_map`](Command::uid_map)/[`gid_map`](Command::gid_map)
    /// lines are written before the program starts (by default one line
    /// each mapping 0 to the caller's effective id, so the program runs as
    /// root of the new namespace, as `unshare --map-root-user`).
    /// [`CloneFlags::PARENT`] is refused at spawn (`EINVAL`).
    pub fn clone_flags(&mut self, flags: CloneFlags) -> &mut Command {
        self.flags = flags;
        self
    }

    /// Adds a `uid_map` line for the new user namespace: `count` ids from
    /// `inside` map to `outside` ids of the caller's namespace. An
    /// unprivileged caller may map only its own effective uid (one line,
    /// count 1); more needs `CAP_SETUID` (the caller writes the file,
    /// `/proc/<pid>/uid_map`, while the child waits). Without `NEWUSER`
    /// spawning fails with `EINVAL`.
    pub fn uid_map(&mut self, inside: u32, outside: u32, count: u32) -> &mut Command {
        self.uid_map.push([inside, outside, count]);
        self
    }

    /// Adds a `gid_map` line, as [`uid_map`](Command::uid_map). Where the
    /// kernel refuses the map from an unprivileged caller, `setgroups` is
    /// set to `deny` first, as it requires.
    pub fn gid_map(&mut self, inside: u32, outside: u32, count: u32) -> &mut Command {
        self.gid_map.push([inside, outside, count]);
        self
    }

    /// The program as given to [`new`](Command::new).
    pub fn get_program(&self) -> &OsStr {
        &self.program
    }

    /// The arguments (without `argv[0]`).
    pub fn get_args(&self) -> impl Iterator<Item = &OsStr> {
        self.args.iter().map(OsString::as_os_str)
    }

    /// The working directory, if set.
    pub fn get_current_dir(&self) -> Option<&Path> {
        self.cwd.as_deref()
    }
}

/// What to connect a child's stdin, stdout or stderr to (std's
/// `std::process::Stdio` cannot be looked into, so this is its twin).
#[derive(Debug)]
pub struct Stdio(StdioKind);

#[derive(Debug)]
enum StdioKind {
    Inherit,
    Null,
    Piped,
    Fd(OwnedFd),
}

impl Stdio {
    /// The caller's own descriptor (the default for `spawn`).
    pub fn inherit() -> Stdio {
        Stdio(StdioKind::Inherit)
    }

    /// `/dev/null`.
    pub fn null() -> Stdio {
        Stdio(StdioKind::Null)
    }

    /// A new pipe; the caller's end is in [`Child`](crate::Child)(crate::Child)'s
    /// `stdin`, `stdout` or `stderr`.
    pub fn piped() -> Stdio {
        Stdio(StdioKind::Piped)
    }
}

/// Any open descriptor (a file, a socket, a pipe end); a duplicate is
/// installed at each spawn.
impl From<OwnedFd> for Stdio {
    fn from(fd: OwnedFd) -> Stdio {
        Stdio(StdioKind::Fd(fd))
    }
}

/// An open file.
impl From<std::fs::File> for Stdio {
    fn from(f: std::fs::File) -> Stdio {
        Stdio::from(OwnedFd::from(f))
    }
}

/// Another child's stdin pipe (to feed it from this one).
impl From<std::process::ChildStdin> for Stdio {
    fn from(p: std::process::ChildStdin) -> Stdio {
        Stdio::from(OwnedFd::from(p))
    }
}

/// Another child's stdout pipe (a pipeline: `a | b`).
impl From<std::process::ChildStdout> for Stdio {
    fn from(p: std::process::ChildStdout) -> Stdio {
        Stdio::from(OwnedFd::from(p))
    }
}

/// Another child's stderr pipe.
impl From<std::process::ChildStderr> for Stdio {
    fn from(p: std::process::ChildStderr) -> Stdio {
        Stdio::from(OwnedFd::from(p))
    }
}
