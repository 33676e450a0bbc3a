package io.gatehouse.platform;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Validates Kubernetes manifests as strictly as {@code kubectl apply --validate=strict} would,
 * without a cluster: core kinds are bound to fabric8's model classes with unknown fields refused;
 * custom resources are checked against the OpenAPI v3 schema of their CRD (copied into
 * deploy/kubernetes/crds), with unknown fields refused wherever the schema does not preserve them.
 */
final class ManifestValidator {
    /** One YAML document of a manifest file. */
    record Doc(String source, JsonNode node) {
        String apiVersion() {
            return node.path("apiVersion").asString("");
        }

        String kind() {
            return node.path("kind").asString("");
        }

        String name() {
            return node.path("metadata").path("name").asString("");
        }

        @Override
        public String toString() {
            return source + " (" + kind() + " " + name() + ")";
        }
    }

    private static final Map<String, Class<?>> CORE_KINDS =
            Map.of(
                    "v1/ConfigMap", ConfigMap.class,
                    "v1/Secret", Secret.class,
                    "v1/Service", Service.class,
                    "apps/v1/Deployment", Deployment.class,
                    "batch/v1/Job", Job.class,
                    "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
                    "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
                    "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);

    private static final YAMLMapper YAML =
            YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** fabric8's classes keep unknown fields in additionalProperties: drop that, so they fail. */
    private static final ObjectMapper STRICT_FABRIC8 =
            new ObjectMapper()
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .registerModule(
                            new SimpleModule("strict")
                                    .setDeserializerModifier(
                                            new BeanDeserializerModifier() {
                                                @Override
                                                public BeanDeserializerBuilder updateBuilder(
                                                        DeserializationConfig config,
                                                        BeanDescription beanDesc,
                                                        BeanDeserializerBuilder builder) {
                                                    builder.setAnySetter(null);
                                                    return builder;
                                                }
                                            }));

    private final Path crdDir;
    private final Map<String, Schema> crSchemas = new HashMap<>();

    ManifestValidator(Path crdDir) {
        this.crdDir = crdDir;
    }

    static List<Doc> parse(String source, String yaml) {
        List<Doc> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            int i = 0;
            while (it.hasNextValue()) {
                JsonNode node = (JsonNode) it.nextValue();
                i++;
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    docs.add(new Doc(source + "#" + i, node));
                }
            }
        }
        return docs;
    }

    static List<Doc> parse(Path file) {
        try {
            return parse(file.toString(), Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Problems with one document; empty when it is valid. */
    List<String> problems(Doc doc) {
        String type = doc.apiVersion() + "/" + doc.kind();
        if (doc.apiVersion().isEmpty() || doc.kind().isEmpty() || doc.name().isEmpty()) {
            return List.of(doc + ": apiVersion, kind and metadata.name are required");
        }
        Class<?> core = CORE_KINDS.get(type);
        if (core != null) {
            try {
                STRICT_FABRIC8.readValue(doc.node().toString(), core);
                return List.of();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return List.of(doc + ": " + e.getOriginalMessage() + " at " + path(e));
            }
        }
        Schema schema = crSchema(doc.apiVersion(), doc.kind());
        if (schema == null) {
            return List.of(doc + ": no validator for " + type + " (add it to ManifestValidator)");
        }
        return schema.validate(doc.node()).stream().map(e -> doc + ": " + e).toList();
    }

    private static String path(Exception e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
            return m.getPathReference();
        }
        return "?";
    }

    /** The OpenAPI v3 schema of the CRD serving this group, version and kind. */
    private synchronized Schema crSchema(String apiVersion, String kind) {
        String key = apiVersion + "/" + kind;
        if (crSchemas.containsKey(key)) {
            return crSchemas.get(key);
        }
        String group =
                apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        Schema found = null;
        try (var files = Files.list(crdDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                for (Doc crd : parse(f)) {
                    JsonNode spec = crd.node().path("spec");
                    if (!crd.kind().equals("CustomResourceDefinition")
                            || !spec.path("group").asString("").equals(group)
                            || !spec.path("names").path("kind").asString("").equals(kind)) {
                        continue;
                    }
                    for (JsonNode v : spec.path("versions")) {
                        if (v.path("name").asString("").equals(version)
                                && v.path("served").asBoolean(false)) {
                            JsonNode openApi = v.path("schema").path("openAPIV3Schema").deepCopy();
                            refuseUnknownFields(openApi);
                            found =
                                    SchemaRegistry.withDefaultDialect(
                                                    SpecificationVersion.DRAFT_2020_12)
                                            .getSchema(openApi);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        crSchemas.put(key, found);
        return found;
    }

    /**
     * The API server prunes (and with strict validation refuses) fields a structural schema does
     * not declare, unless {@code x-kubernetes-preserve-unknown-fields} says to keep them. JSON
     * Schema allows them unless told otherwise: say so wherever the schema declares properties.
     */
    static void refuseUnknownFields(JsonNode schema) {
        if (schema instanceof ObjectNode o) {
            if (o.has("properties")
                    && !o.has("additionalProperties")
                    && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                o.put("additionalProperties", false);
            }
            for (var child : o.path("properties").properties()) {
                refuseUnknownFields(child.getValue());
            }
            refuseUnknownFields(o.path("items"));
            refuseUnknownFields(o.path("additionalProperties"));
            for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
                for (JsonNode alternative : o.path(combinator)) {
                    refuseUnknownFields(alternative);
                }
            }
        }
    }
}
