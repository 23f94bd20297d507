package clientgo

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"
)

// Server-side apply through the generated apply configurations. A server that does not take
// application/apply-patch+yaml answers 415, which fails here with the server's message.
func TestServerSideApplyConfigMap(t *testing.T) {
	cs := clientset(t)
	ctx := testContext(t)
	ns := testNamespace(t, cs)
	cms := cs.CoreV1().ConfigMaps(ns)

	cfg := corev1ac.ConfigMap("applied", ns).WithLabels(map[string]string{"owner": "go"}).WithData(map[string]string{"a": "1", "b": "2"})
	cm, err := cms.Apply(ctx, cfg, metav1.ApplyOptions{FieldManager: "go-test", Force: true})
	if apierrors.IsUnsupportedMediaType(err) {
		t.Fatalf("server-side apply is not served (415): %v", err)
	}
	mustf(t, err, "apply (create)")
	if cm.Data["a"] != "1" || cm.Data["b"] != "2" || cm.Labels["owner"] != "go" {
		t.Fatalf("apply created %+v", cm)
	}
	var entry *metav1.ManagedFieldsEntry
	for i := range cm.ManagedFields {
		if cm.ManagedFields[i].Manager == "go-test" {
			entry = &cm.ManagedFields[i]
		}
	}
	if entry == nil || entry.Operation != metav1.ManagedFieldsOperationApply || entry.FieldsType != "FieldsV1" || entry.APIVersion != "v1" {
		t.Fatalf("managedFields: %+v", cm.ManagedFields)
	}

	// Extract gives back what this manager owns, read from managedFields with client-go's own schema.
	extracted, err := corev1ac.ExtractConfigMap(cm, "go-test")
	mustf(t, err, "extract")
	if extracted.Data["a"] != "1" || extracted.Data["b"] != "2" || extracted.Labels["owner"] != "go" {
		t.Fatalf("extracted %+v", extracted)
	}

	// Another manager claiming a field the first one owns conflicts unless it forces.
	other := corev1ac.ConfigMap("applied", ns).WithData(map[string]string{"a": "other"})
	_, err = cms.Apply(ctx, other, metav1.ApplyOptions{FieldManager: "other-manager"})
	if !apierrors.IsConflict(err) {
		t.Fatalf("conflicting apply: want Conflict, got %v", err)
	}
	if want := `Apply failed with 1 conflict: conflict with "go-test": .data.a`; err.Error() != want {
		t.Errorf("conflict message:\n got %s\nwant %s", err, want)
	}
	cm, err = cms.Apply(ctx, other, metav1.ApplyOptions{FieldManager: "other-manager", Force: true})
	mustf(t, err, "forced apply")
	if cm.Data["a"] != "other" || cm.Data["b"] != "2" {
		t.Fatalf("forced apply data: %v", cm.Data)
	}

	// Dropping a field from the applied configuration removes it when no one else owns it.
	cm, err = cms.Apply(ctx, corev1ac.ConfigMap("applied", ns).WithLabels(map[string]string{"owner": "go"}), metav1.ApplyOptions{FieldManager: "go-test", Force: true})
	mustf(t, err, "apply without data")
	if _, has := cm.Data["b"]; has || cm.Data["a"] != "other" {
		t.Fatalf("after dropping b: %v", cm.Data)
	}
}

func TestServerSideApplyDeployment(t *testing.T) {
	cs := clientset(t)
	ctx := testContext(t)
	ns := testNamespace(t, cs)
	deps := cs.AppsV1().Deployments(ns)

	labels := map[string]string{"app": "applied"}
	cfg := appsv1ac.Deployment("applied", ns).WithSpec(appsv1ac.DeploymentSpec().
		WithReplicas(0).
		WithSelector(metav1ac.LabelSelector().WithMatchLabels(labels)).
		WithTemplate(corev1ac.PodTemplateSpec().WithLabels(labels).WithSpec(corev1ac.PodSpec().WithContainers(
			corev1ac.Container().WithName("app").WithImage("nginx:1.27").WithPorts(corev1ac.ContainerPort().WithContainerPort(80)),
		))))
	d, err := deps.Apply(ctx, cfg, metav1.ApplyOptions{FieldManager: "go-test", Force: true})
	if apierrors.IsUnsupportedMediaType(err) {
		t.Fatalf("server-side apply is not served (415): %v", err)
	}
	mustf(t, err, "apply deployment")
	if d.Spec.Template.Spec.Containers[0].Ports[0].Protocol != corev1.ProtocolTCP {
		t.Errorf("defaults not applied: %+v", d.Spec.Template.Spec.Containers[0].Ports)
	}

	// A second container from another manager merges into the list keyed by name.
	sidecar := appsv1ac.Deployment("applied", ns).WithSpec(appsv1ac.DeploymentSpec().
		WithSelector(metav1ac.LabelSelector().WithMatchLabels(labels)).
		WithTemplate(corev1ac.PodTemplateSpec().WithLabels(labels).WithSpec(corev1ac.PodSpec().WithContainers(
			corev1ac.Container().WithName("sidecar").WithImage("busybox:1.36"),
		))))
	d, err = deps.Apply(ctx, sidecar, metav1.ApplyOptions{FieldManager: "sidecar-injector"})
	mustf(t, err, "apply sidecar")
	var names []string
	for _, c := range d.Spec.Template.Spec.Containers {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "app,sidecar" {
		t.Fatalf("containers after the second manager's apply: %v", names)
	}
	ext, err := appsv1ac.ExtractDeployment(d, "sidecar-injector")
	mustf(t, err, "extract")
	if c := ext.Spec.Template.Spec.Containers; len(c) != 1 || *c[0].Name != "sidecar" {
		t.Fatalf("extracted for sidecar-injector: %+v", c)
	}
}
