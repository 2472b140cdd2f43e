// Package redistest runs a real redis-server for tests.
//
// A test that needs a server of its own, for example to stop it and start it
// again, calls Start. A package whose tests can share one server calls Main
// from its TestMain and Shared from each test; tests sharing a server keep
// out of each other's way by putting every key under Prefix(t), and must not
// stop it.
//
//	func TestMain(m *testing.M) { redistest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		srv := redistest.Shared(t)
//		prefix := redistest.Prefix(t)
//		...
//	}
//
// Servers listen on a free loopback port, keep nothing on disk (no RDB
// snapshots, no append-only file) and are killed when the test, or the
// package's tests, end. A server started again after Stop is empty.
//
// The redis-server binary must be on PATH; CI installs it with
// `apt-get install redis-server`.
package redistest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ErrNotFound is returned by Binary when redis-server is not on PATH.
var ErrNotFound = errors.New("redis-server not found on PATH: install it (apt-get install redis-server)")

// startTimeout bounds how long a server may take to answer PING.
const startTimeout = 10 * time.Second

// Binary returns the path of the redis-server binary, or ErrNotFound.
func Binary() (string, error) {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return "", ErrNotFound
	}
	return path, nil
}

// Server is a redis-server process on a fixed loopback port.
type Server struct {
	bin  string
	dir  string
	port int
	aof  bool // appendonly yes, fsync always: a kill loses nothing acknowledged

	mu     sync.Mutex
	proc   *os.Process
	exited chan struct{} // closed when proc has been waited for
}

// Start starts a server for tb alone and stops it when tb ends. It fails tb
// if redis-server is not installed or does not start.
func Start(tb testing.TB) *Server {
	tb.Helper()
	return startFor(tb, false)
}

// StartPersistent is Start with the append-only file on and fsynced on
// every write, as a deployment's Redis should run: killed and started
// again, the server has every write it acknowledged.
func StartPersistent(tb testing.TB) *Server {
	tb.Helper()
	return startFor(tb, true)
}

func startFor(tb testing.TB, aof bool) *Server {
	tb.Helper()
	s, err := newServerWith(tb.TempDir(), aof)
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.stop(); err != nil {
			tb.Errorf("redistest: %v", err)
		}
	})
	return s
}

// newServer starts a server on a free port with its working directory in
// dir. Another process may take the port between our finding it free and
// redis-server binding it, so a few ports are tried.
func newServer(dir string) (*Server, error) { return newServerWith(dir, false) }

func newServerWith(dir string, aof bool) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	var last error
	for range 5 {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s := &Server{bin: bin, dir: dir, port: port, aof: aof}
		if last = s.start(); last == nil {
			return s, nil
		}
	}
	return nil, last
}

// Addr returns the server's host:port.
func (s *Server) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// URL returns the server's URL, redis://127.0.0.1:PORT/0.
func (s *Server) URL() string {
	return "redis://" + s.Addr() + "/0"
}

// Stop kills the server, as a crash or a network outage would, and waits for
// the process to exit. Stopping a stopped server does nothing.
func (s *Server) Stop(tb testing.TB) {
	tb.Helper()
	if err := s.stop(); err != nil {
		tb.Fatalf("redistest: %v", err)
	}
}

// Start starts a stopped server again on the same port and waits until it
// answers PING. It starts empty, unless it is persistent. Starting a running server does nothing.
func (s *Server) Start(tb testing.TB) {
	tb.Helper()
	if err := s.start(); err != nil {
		tb.Fatalf("redistest: %v", err)
	}
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return nil
	}
	aof := "no"
	if s.aof {
		aof = "yes"
	}
	cmd := exec.Command(s.bin,
		"--save", "",
		"--appendonly", aof, "--appendfsync", "always",
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--dir", s.dir,
		"--loglevel", "warning",
	)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()

	deadline := time.Now().Add(startTimeout)
	for {
		if err := ping(s.Addr()); err == nil {
			break
		}
		select {
		case <-exited:
			return fmt.Errorf("redis-server on port %d exited before answering PING:\n%s", s.port, out)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redis-server on port %d did not answer PING within %v:\n%s", s.port, startTimeout, out)
		}
	}
	s.proc, s.exited = cmd.Process, exited
	return nil
}

func (s *Server) stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return nil
	}
	proc, exited := s.proc, s.exited
	s.proc, s.exited = nil, nil
	// Kill fails only if the process has already exited; waiting tells.
	_ = proc.Kill()
	select {
	case <-exited:
		return nil
	case <-time.After(startTimeout):
		return fmt.Errorf("redis-server pid %d did not exit after SIGKILL", proc.Pid)
	}
}

// ping sends PING over a new connection and expects +PONG.
func ping(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(500 * time.Millisecond)); err != nil {
		return err
	}
	if _, err := conn.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("PING answered %q", strings.TrimSpace(line))
	}
	return nil
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// shared is the package's server started by Main. It is a package variable
// because TestMain has no other way to hand it to the tests.
var shared *Server

// Main starts a server shared by the package's tests, runs them, stops the
// server and exits with the tests' status. Call it from TestMain. If the
// server cannot start, Main prints why and exits with status 1.
func Main(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "redistest-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "redistest: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	s, err := newServer(dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "redistest: %v\n", err)
		return 1
	}
	shared = s
	code := m.Run()
	if err := s.stop(); err != nil {
		fmt.Fprintf(os.Stderr, "redistest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Shared returns the server started by Main. Tests using it must not stop it
// and should keep their keys under Prefix(tb).
func Shared(tb testing.TB) *Server {
	tb.Helper()
	if shared == nil {
		tb.Fatal("redistest: no shared server: call redistest.Main(m) from TestMain")
	}
	return shared
}

// Prefix returns a key prefix unique to tb: "t:", the test's name with
// anything but letters, digits, '-' and '_' replaced by '_' (at most 48
// bytes), ':' and a random suffix. It never contains '{' or '}', so it does
// not disturb the hash tags of the keys built on it.
func Prefix(tb testing.TB) string {
	tb.Helper()
	name := []byte(tb.Name())
	for i, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			name[i] = '_'
		}
	}
	if len(name) > 48 {
		name = name[:48]
	}
	return "t:" + string(name) + ":" + strconv.FormatUint(rand.Uint64(), 36)
}

// lockedBuffer collects a process's output from two pipes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
