//! The body of the `file_handle_decode` fuzz target: every pidfs handle
//! decoder (bytes, text, `FileHandle`) against the encoders.

use crate::handle::{FileHandle, HandleError, MAX_HANDLE_SZ, PidfsHandle, RawPidfsHandle};
use core::fmt;

/// The body of the `file_handle_decode` fuzz target, replayed over the
/// checked-in corpus by `cargo test` on every target.
///
/// Decodes `data` as bytes ([`PidfsHandle::from_bytes`]), as text
/// ([`FromStr`], when it is UTF-8) and as a `FileHandle` (`handle_type`
/// from the first 4 bytes, the rest as payload), and checks that every
/// answer is consistent with the input: the error names the real defect,
/// and whatever decodes encodes back to the same bytes and text. Panics
/// only if one of those invariants is broken (that is the finding).
pub fn file_handle_decode(data: &[u8]) {
    // Bytes.
    match PidfsHandle::from_bytes(data) {
        Ok(h) => {
            assert_eq!(&h.to_bytes()[..], data);
            assert_eq!(
                u64::from_le_bytes(h.to_bytes()[8..].try_into().unwrap_or([0; 8])),
                h.id()
            );
            assert_eq!(PidfsHandle::from_id(h.id()), h);
            let hex = h.to_hex();
            let s = core::str::from_utf8(&hex).unwrap_or("");
            assert_eq!(s.parse::<PidfsHandle>(), Ok(h));
            let mut upper = hex;
            upper.make_ascii_uppercase();
            assert_eq!(
                core::str::from_utf8(&upper)
                    .unwrap_or("")
                    .parse::<PidfsHandle>(),
                Ok(h)
            );
            let mut buf = crate::path::FmtBuf::<64>::new();
            assert!(fmt::Write::write_fmt(&mut buf, format_args!("{h}")).is_ok());
            assert_eq!(buf.as_bytes(), &hex[..]);
            assert_eq!(PidfsHandle::from_file_handle(&h.to_file_handle()), Ok(h));
            assert_eq!(PidfsHandle::try_from(RawPidfsHandle::from(h)), Ok(h));
        }
        Err(HandleError::BadLength { len, expected }) => {
            assert_eq!((len, expected), (data.len(), 16));
            assert_ne!(len, 16);
        }
        Err(HandleError::BadVersion { handle_bytes }) => {
            assert_eq!(data.len(), 16);
            assert_eq!(handle_bytes.to_le_bytes(), data[..4]);
            assert_ne!(handle_bytes, 8);
        }
        Err(HandleError::BadType { handle_type }) => {
            assert_eq!(data.len(), 16);
            assert_eq!(data[..4], 8u32.to_le_bytes());
            assert_eq!(handle_type.to_le_bytes(), data[4..8]);
            assert_ne!(handle_type, 0xfe);
        }
        Err(e @ HandleError::BadHex { .. }) => panic!("from_bytes gave {e:?}"),
    }

    // Text.
    if let Ok(s) = core::str::from_utf8(data) {
        match s.parse::<PidfsHandle>() {
            Ok(h) => {
                assert_eq!(s.len(), 32);
                assert!(h.to_hex().eq_ignore_ascii_case(s.as_bytes()));
            }
            Err(HandleError::BadLength { len, expected }) => {
                assert_eq!((len, expected), (s.len(), 32));
                assert_ne!(len, 32);
            }
            Err(HandleError::BadHex { at }) => {
                assert_eq!(s.len(), 32);
                assert!(!s.as_bytes()[at].is_ascii_hexdigit());
                assert!(s.as_bytes()[..at].iter().all(u8::is_ascii_hexdigit));
            }
            Err(HandleError::BadVersion { .. } | HandleError::BadType { .. }) => {
                assert_eq!(s.len(), 32);
                assert!(s.bytes().all(|c| c.is_ascii_hexdigit()));
            }
        }
    }

    // A FileHandle made from the input: type from the first 4 bytes.
    if let Some((ty, payload)) = data.split_first_chunk::<4>() {
        let ty = i32::from_le_bytes(*ty);
        match FileHandle::new(ty, payload) {
            None => assert!(payload.len() > MAX_HANDLE_SZ),
            Some(fh) => {
                assert_eq!(fh.as_bytes(), payload);
                assert_eq!(fh.handle_type(), ty);
                match PidfsHandle::from_file_handle(&fh) {
                    Ok(h) => {
                        assert_eq!((payload.len(), ty), (8, 0xfe));
                        assert_eq!(h.to_file_handle(), fh);
                    }
                    Err(HandleError::BadVersion { handle_bytes }) => {
                        assert_eq!(handle_bytes as usize, payload.len());
                        assert_ne!(handle_bytes, 8);
                    }
                    Err(HandleError::BadType { handle_type }) => {
                        assert_eq!(payload.len(), 8);
                        assert_eq!(handle_type, ty);
                    }
                    Err(e) => panic!("from_file_handle gave {e:?}"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The handle decoder's fuzz body on hand-picked edge inputs: empty,
    /// all-zero, a real handle, oversized, and truncated text.
    #[test]
    fn file_handle_body_accepts_edge_inputs() {
        for d in [
            &b""[..],
            &[0u8; 16],
            &PidfsHandle::from_id(7).to_bytes(),
            &[0xff; 200],
            b"0800000",
        ] {
            file_handle_decode(d);
        }
    }
}
