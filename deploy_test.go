package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/waymarkhq/waymark/config"
)

// manifest is the part of a Kubernetes object the checks read.
type manifest struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec map[string]any `yaml:"spec"`
}

func get(m any, path ...string) any {
	for _, p := range path {
		mm, ok := m.(map[string]any)
		if !ok {
			return nil
		}
		m = mm[p]
	}
	return m
}

// TestKubernetesManifests lints deploy/kubernetes as kubeconform would the
// parts we rely on: every resource the kustomization names parses and has
// a kind and name; the Deployment runs several non-root replicas with
// readiness and liveness probes on serve's own routes and takes its
// settings from the ConfigMap and Secret the kustomization makes; the
// PodDisruptionBudget selects the Deployment's pods; every WAYMARK_
// setting it names is one serve knows.
func TestKubernetesManifests(t *testing.T) {
	dir := filepath.Join("deploy", "kubernetes")
	var k struct {
		Resources          []string `yaml:"resources"`
		ConfigMapGenerator []struct {
			Name     string   `yaml:"name"`
			Literals []string `yaml:"literals"`
		} `yaml:"configMapGenerator"`
		SecretGenerator []struct {
			Name string   `yaml:"name"`
			Envs []string `yaml:"envs"`
		} `yaml:"secretGenerator"`
	}
	mustYAML(t, filepath.Join(dir, "kustomization.yaml"), &k)
	byKind := map[string]manifest{}
	for _, r := range k.Resources {
		var m manifest
		mustYAML(t, filepath.Join(dir, r), &m)
		if m.APIVersion == "" || m.Kind == "" || m.Metadata.Name == "" {
			t.Errorf("%s: apiVersion, kind and metadata.name are needed: %+v", r, m)
		}
		byKind[m.Kind] = m
	}
	d, ok := byKind["Deployment"]
	if !ok {
		t.Fatal("no Deployment")
	}
	if n, _ := get(d.Spec, "replicas").(uint64); n < 2 {
		t.Errorf("replicas %v, want at least 2", get(d.Spec, "replicas"))
	}
	pod := get(d.Spec, "template", "spec")
	if get(pod, "securityContext", "runAsNonRoot") != true {
		t.Error("the pod may run as root")
	}
	containers, _ := get(pod, "containers").([]any)
	if len(containers) != 1 {
		t.Fatalf("%d containers, want 1", len(containers))
	}
	c := containers[0]
	for probe, path := range map[string]string{"readinessProbe": "/readyz", "livenessProbe": "/healthz"} {
		if got := get(c, probe, "httpGet", "path"); got != path {
			t.Errorf("%s path %v, want %s", probe, got, path)
		}
	}
	var refs []string
	envFrom, _ := get(c, "envFrom").([]any)
	for _, e := range envFrom {
		for _, kind := range []string{"configMapRef", "secretRef"} {
			if n, ok := get(e, kind, "name").(string); ok {
				refs = append(refs, n)
			}
		}
	}
	if len(k.ConfigMapGenerator) == 0 || len(k.SecretGenerator) == 0 ||
		!slices.Contains(refs, k.ConfigMapGenerator[0].Name) || !slices.Contains(refs, k.SecretGenerator[0].Name) {
		t.Errorf("the container reads %v, not the generated ConfigMap and Secret", refs)
	}
	labels := get(d.Spec, "template", "metadata", "labels")
	pdb, ok := byKind["PodDisruptionBudget"]
	if !ok {
		t.Fatal("no PodDisruptionBudget")
	}
	for key, v := range get(pdb.Spec, "selector", "matchLabels").(map[string]any) {
		if get(labels, key) != v {
			t.Errorf("the PodDisruptionBudget selects %s=%v, which the pods lack", key, v)
		}
	}
	known := knownEnv()
	var names []string
	for _, lit := range k.ConfigMapGenerator[0].Literals {
		name, _, _ := strings.Cut(lit, "=")
		names = append(names, name)
	}
	for _, env := range k.SecretGenerator[0].Envs {
		b, err := os.ReadFile(filepath.Join(dir, env))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if name, _, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
				names = append(names, strings.TrimSpace(name))
			}
		}
	}
	for _, n := range names {
		if !known[n] {
			t.Errorf("%s is not a setting serve knows", n)
		}
	}
}

// TestComposeFile: docker-compose.yml runs Waymark with Redis keeping an
// append-only file in a volume, and names only settings serve knows.
func TestComposeFile(t *testing.T) {
	var f struct {
		Services map[string]struct {
			Command     []string          `yaml:"command"`
			Environment map[string]string `yaml:"environment"`
			Volumes     []string          `yaml:"volumes"`
		} `yaml:"services"`
	}
	mustYAML(t, "docker-compose.yml", &f)
	w, r := f.Services["waymark"], f.Services["redis"]
	if !strings.HasPrefix(w.Environment["WAYMARK_REDIS_URL"], "redis://redis:") {
		t.Errorf("waymark's Redis is %q, want the compose file's", w.Environment["WAYMARK_REDIS_URL"])
	}
	if !slices.Contains(r.Command, "--appendonly") || len(r.Volumes) == 0 {
		t.Errorf("redis keeps no append-only file in a volume: %v %v", r.Command, r.Volumes)
	}
	known := knownEnv()
	for n := range w.Environment {
		if !known[n] {
			t.Errorf("%s is not a setting serve knows", n)
		}
	}
}

// knownEnv is every environment variable serve reads.
func knownEnv() map[string]bool {
	var ps []config.Platform
	for _, p := range platforms {
		ps = append(ps, p)
	}
	known := map[string]bool{}
	for _, key := range config.Keys(ps...) {
		known[config.EnvName(key)] = true
	}
	return known
}

func mustYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
