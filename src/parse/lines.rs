//! Reading a text file to its end through one fixed buffer, line by line.

/// One line of a text, as [`for_each_line`] hands it out.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// A complete line, without its `\n`.
    Whole(&'a [u8]),
    /// The start of a line that does not fit in the buffer (the buffer's
    /// length of it); the rest of that line is skipped, up to its `\n`.
    Long(&'a [u8]),
    /// What follows the last `\n` at the end of the text: a cut line (or
    /// the tail of a [`Long`](Line::Long) one), never the kernel's output
    /// for the files this crate reads.
    Unterminated(&'a [u8]),
}

/// Reads a text to its end with `read` (which fills the slice it is given
/// and answers how many bytes it wrote, 0 at the end) through `buf`, and
/// hands every line to `sink` in order. No allocation: a line longer than
/// `buf` reaches `sink` as [`Line::Long`] with its first `buf.len()` bytes,
/// and the rest of it is read and dropped. An empty `buf` reads nothing
/// and reports one empty [`Line::Unterminated`].
///
/// `read` errors end the walk and are returned. A `read` that claims more
/// bytes than it was offered is taken as having filled the slice.
///
/// # Errors
/// The first error `read` returns.
pub fn for_each_line<E>(
    buf: &mut [u8],
    mut read: impl FnMut(&mut [u8]) -> Result<usize, E>,
    mut sink: impl FnMut(Line<'_>),
) -> Result<(), E> {
    let cap = buf.len();
    if cap == 0 {
        sink(Line::Unterminated(&[]));
        return Ok(());
    }
    // `buf[..end]` holds the start of a line not yet complete; `skipping`:
    // the line being read was too long and is being dropped.
    let mut end = 0usize;
    let mut skipping = false;
    loop {
        let n = read(&mut buf[end..])?.min(cap - end);
        if n == 0 {
            if skipping {
                sink(Line::Unterminated(&[]));
            } else if end > 0 {
                sink(Line::Unterminated(&buf[..end]));
            }
            return Ok(());
        }
        let filled = end + n;
        let mut start = 0usize;
        while let Some(i) = buf[start..filled].iter().position(|&b| b == b'\n') {
            if skipping {
                skipping = false;
            } else {
                sink(Line::Whole(&buf[start..start + i]));
            }
            start += i + 1;
        }
        if filled - start == cap {
            // A full buffer and no newline: a line longer than the buffer.
            if !skipping {
                sink(Line::Long(&buf[..cap]));
                skipping = true;
            }
            end = 0;
        } else if skipping {
            end = 0;
        } else {
            buf.copy_within(start..filled, 0);
            end = filled - start;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    /// Splits `text` through a buffer of `cap` bytes, reading at most
    /// `chunk` bytes per call.
    fn split(text: &[u8], cap: usize, chunk: usize) -> Vec<(u8, Vec<u8>)> {
        let mut out = Vec::new();
        let mut buf = std::vec![0u8; cap];
        let mut pos = 0;
        let r: Result<(), ()> = for_each_line(
            &mut buf,
            |b| {
                let n = b.len().min(chunk).min(text.len() - pos);
                b[..n].copy_from_slice(&text[pos..pos + n]);
                pos += n;
                Ok(n)
            },
            |l| {
                out.push(match l {
                    Line::Whole(s) => (b'w', s.to_vec()),
                    Line::Long(s) => (b'l', s.to_vec()),
                    Line::Unterminated(s) => (b'u', s.to_vec()),
                })
            },
        );
        assert_eq!(r, Ok(()));
        out
    }

    /// Lines come out whole whatever the read sizes; text after the last
    /// newline is `Unterminated`; a line longer than the buffer is `Long`
    /// once (its first `cap` bytes) and the lines after it are intact.
    #[test]
    fn lines_through_a_small_buffer() {
        let text = b"a:1\nbb:22\n\nccc:333";
        for chunk in 1..=20 {
            for cap in 10..=20 {
                assert_eq!(
                    split(text, cap, chunk),
                    [
                        (b'w', b"a:1".to_vec()),
                        (b'w', b"bb:22".to_vec()),
                        (b'w', b"".to_vec()),
                        (b'u', b"ccc:333".to_vec()),
                    ],
                    "cap {cap} chunk {chunk}"
                );
            }
        }
        let long = b"x:0123456789abcdef\nPid:\t7\n";
        for chunk in 1..=30 {
            assert_eq!(
                split(long, 8, chunk),
                [(b'l', b"x:012345".to_vec()), (b'w', b"Pid:\t7".to_vec())],
                "chunk {chunk}"
            );
        }
        // A line of exactly the buffer's size without its newline is long;
        // with the newline in a later read it is still one Long.
        assert_eq!(
            split(b"12345678\n9\n", 8, 8)[0],
            (b'l', b"12345678".to_vec())
        );
        assert_eq!(split(b"1234567\n", 8, 8), [(b'w', b"1234567".to_vec())]);
        // A long line cut by the end of the text.
        assert_eq!(
            split(b"0123456789", 4, 3),
            [(b'l', b"0123".to_vec()), (b'u', b"".to_vec())]
        );
        assert_eq!(split(b"", 4, 3), []);
        assert_eq!(split(b"x", 0, 3), [(b'u', b"".to_vec())]);
    }

    /// A read error ends the walk with that error.
    #[test]
    fn read_error_is_returned() {
        let mut buf = [0u8; 8];
        let mut calls = 0;
        let r = for_each_line(
            &mut buf,
            |b| {
                calls += 1;
                if calls == 1 {
                    b[..2].copy_from_slice(b"a\n");
                    Ok(2)
                } else {
                    Err(3)
                }
            },
            |_| {},
        );
        assert_eq!(r, Err(3));
    }
}
