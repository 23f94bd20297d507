// Package clientgo drives a running Wheelhouse with the official Go client (k8s.io/client-go) the way Go
// controllers and tools do. The server comes from the kubeconfig named by WHEELHOUSE_KUBECONFIG (or
// KUBECONFIG); conformance/clients/go.test.ts starts one and runs this suite against it.
package clientgo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Every wait in the suite is bounded by this, so a server that never converges fails instead of hanging.
const pollTimeout = 20 * time.Second

func restConfig(t *testing.T) *rest.Config {
	t.Helper()
	path := os.Getenv("WHEELHOUSE_KUBECONFIG")
	if path == "" {
		path = os.Getenv("KUBECONFIG")
	}
	if path == "" {
		t.Fatal("set WHEELHOUSE_KUBECONFIG (or KUBECONFIG) to the kubeconfig of a running Wheelhouse")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatalf("loading kubeconfig %s: %v", path, err)
	}
	// The defaults (5 QPS, burst 10) would make the write bursts below take seconds of client-side waiting.
	cfg.QPS = 200
	cfg.Burst = 400
	cfg.UserAgent = "wheelhouse-conformance-client-go"
	return cfg
}

func clientset(t *testing.T) *kubernetes.Clientset {
	t.Helper()
	cs, err := kubernetes.NewForConfig(restConfig(t))
	if err != nil {
		t.Fatalf("clientset: %v", err)
	}
	return cs
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// testNamespace creates a namespace of the test's own, so reruns against one server do not collide; it
// is deleted afterwards without waiting for the namespace controller to finish.
func testNamespace(t *testing.T, cs kubernetes.Interface) string {
	t.Helper()
	name := "go-" + strings.ToLower(strings.TrimPrefix(t.Name(), "Test"))
	if len(name) > 40 {
		name = name[:40]
	}
	name = strings.TrimRight(name, "-") + "-" + randomSuffix()
	ctx := context.Background()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create namespace %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cs.CoreV1().Namespaces().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	return name
}

// eventually polls cond until it holds or pollTimeout passes, then fails with what cond last reported.
func eventually(t *testing.T, ctx context.Context, what string, cond func(ctx context.Context) (bool, string)) {
	t.Helper()
	last := ""
	err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, pollTimeout, true, func(ctx context.Context) (bool, error) {
		ok, detail := cond(ctx)
		last = detail
		return ok, nil
	})
	if err != nil {
		t.Fatalf("%s: not reached within %s: %s", what, pollTimeout, last)
	}
}

// requestLog records what the client sent, so tests can assert on the protocol client-go chose.
type requestLog struct {
	mu   sync.Mutex
	reqs []string
}

func (l *requestLog) wrap(cfg *rest.Config) {
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			l.mu.Lock()
			l.reqs = append(l.reqs, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
			l.mu.Unlock()
			return rt.RoundTrip(r)
		})
	})
}

func (l *requestLog) matching(pred func(string) bool) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.reqs {
		if pred(r) {
			out = append(out, r)
		}
	}
	return out
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func mustf(t *testing.T, err error, format string, args ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", fmt.Sprintf(format, args...), err)
	}
}
