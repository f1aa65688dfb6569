//! The nsfs ioctls (include/uapi/linux/nsfs.h).

use super::*;
use static_assertions::const_assert_eq;

// ---- nsfs (include/uapi/linux/nsfs.h) ----
pub const NSIO: u32 = 0xb7;
pub const NS_GET_USERNS: u32 = _IO(NSIO, 0x1);
pub const NS_GET_PARENT: u32 = _IO(NSIO, 0x2);
pub const NS_GET_NSTYPE: u32 = _IO(NSIO, 0x3);
pub const NS_GET_OWNER_UID: u32 = _IO(NSIO, 0x4);
pub const NS_GET_MNTNS_ID: u32 = _IOR(NSIO, 0x5, 8);
pub const NS_GET_PID_FROM_PIDNS: u32 = _IOR(NSIO, 0x6, 4);
pub const NS_GET_TGID_FROM_PIDNS: u32 = _IOR(NSIO, 0x7, 4);
pub const NS_GET_PID_IN_PIDNS: u32 = _IOR(NSIO, 0x8, 4);
pub const NS_GET_TGID_IN_PIDNS: u32 = _IOR(NSIO, 0x9, 4);
const_assert_eq!(NS_GET_USERNS, 0xb701);
const_assert_eq!(NS_GET_PARENT, 0xb702);
const_assert_eq!(NS_GET_NSTYPE, 0xb703);
const_assert_eq!(NS_GET_OWNER_UID, 0xb704);
const_assert_eq!(NS_GET_MNTNS_ID, 0x8008_b705);
const_assert_eq!(NS_GET_PID_FROM_PIDNS, 0x8004_b706);
const_assert_eq!(NS_GET_TGID_FROM_PIDNS, 0x8004_b707);
const_assert_eq!(NS_GET_PID_IN_PIDNS, 0x8004_b708);
const_assert_eq!(NS_GET_TGID_IN_PIDNS, 0x8004_b709);
const_assert_eq!(PIDFD_GET_CGROUP_NAMESPACE, 0xff01);
const_assert_eq!(PIDFD_GET_UTS_NAMESPACE, 0xff0a);
