//go:build !linux

package redistest

import "os/exec"

// setProcAttr does nothing where the kernel cannot kill a child when its
// parent dies; the cleanups stop the server.
func setProcAttr(*exec.Cmd) {}
