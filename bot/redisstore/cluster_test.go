package redisstore_test

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// Every script and transaction works on Redis Cluster, which refuses one
// that touches keys of more than one slot. A one-node cluster holding every
// slot is enough to enforce that.
func TestRecordsOnRedisCluster(t *testing.T) {
	t.Parallel()
	addr := startCluster(t)
	s := mustStore(t, redisstore.Config{Addrs: []string{addr}, Cluster: true})
	ctx := t.Context()

	// The cluster does refuse a script across slots.
	err := s.Client().Eval(ctx, "return 1", []string{s.Keys().Consultation("WM-000001"), s.Keys().Audit()}).Err()
	if err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
		t.Fatalf("a script over two slots: %v, want a CROSSSLOT error", err)
	}

	c := mustCreate(t, s, booking(priya, t0))
	if _, err := s.Claim(ctx, c.Ref, ada, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Unclaim(ctx, c.Ref, ada, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, c.Ref, ben, t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CloseConsultation(ctx, c.Ref, ben, "done", t0.Add(4*time.Minute)); err != nil {
		t.Fatal(err)
	}
	c2 := mustCreate(t, s, booking(priya, t0.Add(time.Hour)))
	if _, err := s.Cancel(ctx, c2.Ref, priya, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if cs, err := s.ConsultationsOf(ctx, priya); err != nil || len(cs) != 2 || cs[0].Ref != c2.Ref {
		t.Errorf("ConsultationsOf: %+v, %v", cs, err)
	}
	if err := s.Audit(ctx, bot.AuditEntry{At: t0.Add(3 * time.Hour), Ref: c.Ref, Actor: ben.Key(), Action: bot.AuditReplied}); err != nil {
		t.Fatal(err)
	}
	if got := len(auditOf(t, s, t0)); got != 8 {
		t.Errorf("%d audit entries, want 8", got)
	}

	e := mustEscalate(t, s, slaBreach(t0))
	advance(t, s, e.ID, 0, 1, false)
	if _, err := s.Acknowledge(ctx, e.ID, ada, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}

	mustSchedule(t, s, bot.Timer{ID: "a", Due: t0, Kind: bot.TimerClaimSLA}, bot.Timer{ID: "b", Due: t0, Kind: bot.TimerClaimSLA})
	if err := s.CancelTimer(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if got := timerIDs(mustTakeDue(t, s, t0, 10)); len(got) != 1 || got[0] != "a" {
		t.Errorf("TakeDue = %q, want [a]", got)
	}
}

// startCluster starts redis-server as a one-node cluster holding every slot
// and returns its address. The server is killed when tb ends.
func startCluster(tb testing.TB) string {
	tb.Helper()
	bin, err := redistest.Binary()
	if err != nil {
		tb.Fatalf("the Redis Cluster tests need redis-server: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir := tb.TempDir()
	cmd := exec.Command(bin,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--cluster-enabled", "yes", "--cluster-config-file", dir+"/nodes.conf",
		"--save", "", "--appendonly", "no", "--dir", dir, "--loglevel", "warning",
	)
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	ctx, cancel := context.WithTimeout(tb.Context(), 10*time.Second)
	defer cancel()
	for c.Ping(ctx).Err() != nil {
		if ctx.Err() != nil {
			tb.Fatalf("cluster node on %s did not start", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil {
		tb.Fatalf("CLUSTER ADDSLOTSRANGE: %v", err)
	}
	for {
		info, _ := c.ClusterInfo(ctx).Result()
		if strings.Contains(info, "cluster_state:ok") {
			return addr
		}
		if ctx.Err() != nil {
			tb.Fatalf("cluster on %s not ok: %s", addr, fmt.Sprint(info))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
