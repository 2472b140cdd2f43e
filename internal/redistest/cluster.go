package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// node starts one redis-server with extra arguments on a free loopback
// port, killed when tb ends, and returns its address once it answers.
func node(tb testing.TB, args ...string) string {
	tb.Helper()
	bin, err := Binary()
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	port, err := freePort()
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	cmd := exec.Command(bin, append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no", "--loglevel", "warning"}, args...)...)
	if err := cmd.Start(); err != nil {
		tb.Fatalf("redistest: start %s: %v", bin, err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	waitPing(tb, addr)
	return addr
}

func waitPing(tb testing.TB, addr string) {
	tb.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for c.Ping(ctx).Err() != nil {
		if ctx.Err() != nil {
			tb.Fatalf("redistest: redis on %s did not start", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// StartCluster starts a Redis Cluster of masters nodes on loopback ports,
// the 16384 slots split evenly between them, and returns their addresses
// once every node reports the cluster ok. It fails tb if redis-server is
// not installed.
func StartCluster(tb testing.TB, masters int) []string {
	tb.Helper()
	addrs := make([]string, masters)
	for i := range addrs {
		dir := tb.TempDir()
		addrs[i] = node(tb, "--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(dir, "nodes.conf"), "--cluster-node-timeout", "2000")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	per := 16384 / masters
	for i, a := range addrs {
		c := redis.NewClient(&redis.Options{Addr: a})
		from, to := i*per, (i+1)*per-1
		if i == masters-1 {
			to = 16383
		}
		if err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", from, to).Err(); err != nil {
			tb.Fatalf("redistest: CLUSTER ADDSLOTSRANGE on %s: %v", a, err)
		}
		if i > 0 {
			host, port, _ := net.SplitHostPort(addrs[0])
			if err := c.Do(ctx, "CLUSTER", "MEET", host, port).Err(); err != nil {
				tb.Fatalf("redistest: CLUSTER MEET: %v", err)
			}
		}
		c.Close()
	}
	for _, a := range addrs {
		c := redis.NewClient(&redis.Options{Addr: a})
		for {
			info, _ := c.ClusterInfo(ctx).Result()
			if strings.Contains(info, "cluster_state:ok") && strings.Contains(info, fmt.Sprintf("cluster_known_nodes:%d", masters)) {
				break
			}
			if ctx.Err() != nil {
				tb.Fatalf("redistest: cluster node %s not ok: %s", a, info)
			}
			time.Sleep(50 * time.Millisecond)
		}
		c.Close()
	}
	return addrs
}

// StartSentinel starts a Redis master and one Sentinel watching it under
// the name "waymark", and returns the Sentinel's address and the master's
// name once the Sentinel knows the master.
func StartSentinel(tb testing.TB) (sentinel, master string) {
	tb.Helper()
	masterAddr := node(tb)
	host, port, _ := net.SplitHostPort(masterAddr)
	conf := filepath.Join(tb.TempDir(), "sentinel.conf")
	body := fmt.Sprintf("sentinel monitor waymark %s %s 1\nsentinel down-after-milliseconds waymark 2000\n", host, port)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		tb.Fatal(err)
	}
	bin, err := Binary()
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	sport, err := freePort()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(bin, conf, "--sentinel", "--port", strconv.Itoa(sport), "--bind", "127.0.0.1", "--loglevel", "warning")
	if err := cmd.Start(); err != nil {
		tb.Fatalf("redistest: start sentinel: %v", err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	sentinel = net.JoinHostPort("127.0.0.1", strconv.Itoa(sport))
	waitPing(tb, sentinel)
	sc := redis.NewSentinelClient(&redis.Options{Addr: sentinel})
	defer sc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		if a, err := sc.GetMasterAddrByName(ctx, "waymark").Result(); err == nil && len(a) == 2 && net.JoinHostPort(a[0], a[1]) == masterAddr {
			return sentinel, "waymark"
		}
		if ctx.Err() != nil {
			tb.Fatalf("redistest: the sentinel on %s does not know the master %s", sentinel, masterAddr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
