package redistest_test

import (
	"bufio"
	"errors"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/internal/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// mustPing fails tb unless the server at addr answers PING with PONG.
func mustPing(tb testing.TB, addr string) {
	tb.Helper()
	if err := ping(addr); err != nil {
		tb.Fatalf("PING %s: %v", addr, err)
	}
}

func ping(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return errors.New("unexpected answer " + line)
	}
	return nil
}

// mustRefuse fails tb if anything accepts connections on addr.
func mustRefuse(tb testing.TB, addr string) {
	tb.Helper()
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		conn.Close()
		tb.Fatalf("%s accepts connections; want the server stopped", addr)
	}
}

func TestStart(t *testing.T) {
	srv := redistest.Start(t)
	mustPing(t, srv.Addr())
	if !regexp.MustCompile(`^127\.0\.0\.1:\d+$`).MatchString(srv.Addr()) {
		t.Errorf("Addr() = %q, want 127.0.0.1:PORT", srv.Addr())
	}
	if want := "redis://" + srv.Addr() + "/0"; srv.URL() != want {
		t.Errorf("URL() = %q, want %q", srv.URL(), want)
	}
}

func TestStopAndStartAgainOnTheSamePort(t *testing.T) {
	srv := redistest.Start(t)
	addr := srv.Addr()

	srv.Stop(t)
	mustRefuse(t, addr)
	srv.Stop(t) // stopping a stopped server does nothing

	srv.Start(t)
	if srv.Addr() != addr {
		t.Fatalf("after restart Addr() = %q, want %q", srv.Addr(), addr)
	}
	mustPing(t, addr)
	srv.Start(t) // starting a running server does nothing
	mustPing(t, addr)
}

func TestCleanupStopsTheServer(t *testing.T) {
	var addr string
	t.Run("inner", func(t *testing.T) {
		addr = redistest.Start(t).Addr()
		mustPing(t, addr)
	})
	mustRefuse(t, addr)
}

func TestServersAreIndependent(t *testing.T) {
	a, b := redistest.Start(t), redistest.Start(t)
	if a.Addr() == b.Addr() {
		t.Fatalf("two servers on %s", a.Addr())
	}
	a.Stop(t)
	mustPing(t, b.Addr())
}

func TestShared(t *testing.T) {
	srv := redistest.Shared(t)
	if again := redistest.Shared(t); again != srv {
		t.Errorf("Shared returned %p then %p; want one server", srv, again)
	}
	mustPing(t, srv.Addr())
}

func TestBinaryNotFound(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := redistest.Binary()
	if !errors.Is(err, redistest.ErrNotFound) {
		t.Fatalf("Binary() error = %v, want ErrNotFound", err)
	}
	const want = "redis-server not found on PATH: install it (apt-get install redis-server)"
	if err.Error() != want {
		t.Errorf("Binary() error = %q, want %q", err, want)
	}
}

func TestBinaryFound(t *testing.T) {
	path, err := redistest.Binary()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, "redis-server") {
		t.Errorf("Binary() = %q", path)
	}
}

func TestPrefix(t *testing.T) {
	tests := []struct{ name, wantName string }{
		{"plain", "TestPrefix_plain"},
		{"a {b}: c/d", "TestPrefix_a__b___c_d"},
		{strings.Repeat("x", 100), "TestPrefix_" + strings.Repeat("x", 48-len("TestPrefix_"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := redistest.Prefix(t)
			if strings.ContainsAny(p, "{} ") {
				t.Errorf("Prefix = %q contains a brace or a space", p)
			}
			rest, ok := strings.CutPrefix(p, "t:"+tt.wantName+":")
			if !ok || rest == "" {
				t.Errorf("Prefix = %q, want t:%s:<random>", p, tt.wantName)
			}
			if q := redistest.Prefix(t); q == p {
				t.Errorf("Prefix returned %q twice", p)
			}
		})
	}
}
