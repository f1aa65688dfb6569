# shellcheck shell=bash
# The qemu-system command line that boots a kernel of the matrix, per Debian
# arch; sourced by ci/kernels.sh and ci/kernels-minit.sh, so that both boot
# every guest the same way.
#
# kqemu_cmd DARCH KERNEL INITRD APPEND [QEMU-OPTS...]
#   sets the array KQEMU_CMD; APPEND follows the console= word on the kernel
#   command line; QEMU-OPTS (memory, -smp, -nographic ...) go before -kernel.
#   Returns 1 for an arch it does not know.
kqemu_cmd() {
  local darch=$1 k=$2 i=$3 ap=$4
  shift 4
  case $darch in
    amd64) KQEMU_CMD=(qemu-system-x86_64 -accel tcg -cpu max -M q35 "$@" -kernel "$k" -initrd "$i"
                      -append "console=ttyS0 $ap") ;;
    i386)  KQEMU_CMD=(qemu-system-i386 -accel tcg -cpu max -M q35 "$@" -kernel "$k" -initrd "$i"
                      -append "console=ttyS0 $ap") ;;
    arm64) KQEMU_CMD=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on "$@" -kernel "$k" -initrd "$i"
                      -append "console=ttyAMA0 $ap") ;;
    # armmp-lpae needs a core with LPAE: cortex-a15 (ARMv7-A, what armhf code targets).
    armhf) KQEMU_CMD=(qemu-system-arm -M virt -cpu cortex-a15 "$@" -kernel "$k" -initrd "$i"
                      -append "console=ttyAMA0 $ap") ;;
    # The default -bios is OpenSBI; Debian's riscv64 vmlinuz (an EFI/Image) boots from it.
    riscv64) KQEMU_CMD=(qemu-system-riscv64 -M virt "$@" -kernel "$k" -initrd "$i"
                        -append "console=ttyS0 $ap") ;;
    *) return 1 ;;
  esac
}
