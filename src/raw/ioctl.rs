//! `_IOC` encoding (include/uapi/asm-generic/ioctl.h).

// ---- ioctl numbers (include/uapi/asm-generic/ioctl.h; all five arches use it) ----
pub const _IOC_NONE: u32 = 0;
pub const _IOC_WRITE: u32 = 1;
pub const _IOC_READ: u32 = 2;
/// `_IOC(dir, type, nr, size)`.
pub const fn _IOC(dir: u32, ty: u32, nr: u32, size: usize) -> u32 {
    (dir << 30) | ((size as u32) << 16) | (ty << 8) | nr
}
pub const fn _IO(ty: u32, nr: u32) -> u32 {
    _IOC(_IOC_NONE, ty, nr, 0)
}
pub const fn _IOR(ty: u32, nr: u32, size: usize) -> u32 {
    _IOC(_IOC_READ, ty, nr, size)
}
pub const fn _IOWR(ty: u32, nr: u32, size: usize) -> u32 {
    _IOC(_IOC_READ | _IOC_WRITE, ty, nr, size)
}
