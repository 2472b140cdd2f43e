package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/waymarkhq/waymark/knowledge/corpusgen"
)

// openPTY opens a pseudo-terminal: what a person's terminal is to a
// program. The program writes to tty; what it wrote is read from pty.
func openPTY(t *testing.T) (pty, tty *os.File) {
	t.Helper()
	pty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("open a pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { pty.Close() })
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, pty.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatalf("unlock the pseudo-terminal: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, pty.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Fatalf("number the pseudo-terminal: %v", e)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open the terminal side: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	return pty, tty
}

// On a terminal, indexing a large corpus draws a bar that redraws itself
// in place, ending on a new line; piped, the same run writes log lines
// (TestProgressWhileIndexing).
func TestProgressBarOnATerminal(t *testing.T) {
	t.Chdir(t.TempDir())
	dir := filepath.Join(t.TempDir(), "corpus")
	if err := corpusgen.Generate(dir, 2100, 7); err != nil {
		t.Fatal(err)
	}
	pty, tty := openPTY(t)
	read := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(pty) // ends with EIO once tty is closed
		read <- b
	}()
	var out bytes.Buffer
	err := runWith(t.Context(), platforms, []string{"search", "--corpus", dir, "who is the LADO"}, func(string) string { return "" }, strings.NewReader(""), &out, tty)
	tty.Close()
	if err != nil {
		t.Fatal(err)
	}
	got := string(<-read)
	for _, want := range []string{
		"\rindexing [#######                       ] 500/2100 documents",
		"\rindexing [##############################] 2100/2100 documents\r\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q on the terminal:\n%q", want, got)
		}
	}
	if strings.Contains(got, "msg=indexing") {
		t.Errorf("log lines on a terminal, where the bar is drawn:\n%q", got)
	}
}
