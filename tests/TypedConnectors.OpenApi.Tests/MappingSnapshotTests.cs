using Microsoft.CodeAnalysis;
using OpenApiTests.Infrastructure;
using TypedConnectors.Testing;

namespace OpenApiTests;

/// <summary>
/// The C# that representative OpenAPI constructs become, compared with _snapshots/*.verified.cs. Each document also has
/// to compile without errors or warnings.
/// </summary>
public sealed class MappingSnapshotTests
{
    private static GeneratorRun Generate(string yaml, string name)
    {
        var run = OpenApiRun.Generate("/project/specs/" + name + ".openapi.yaml", yaml);
        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        return run;
    }

    [Fact]
    public void Composition_allOf_with_one_reference_inherits_and_with_several_merges()
    {
        var run = Generate(
            """
            openapi: 3.0.3
            info: { title: Composition, version: '1' }
            paths: {}
            components:
              schemas:
                Entity:
                  type: object
                  required: [id]
                  properties:
                    id: { type: string, format: uuid }
                    created: { type: string, format: date-time }
                Named:
                  type: object
                  properties:
                    name: { type: string }
                Audited:
                  type: object
                  properties:
                    auditedBy: { type: string }
                Customer:
                  description: A customer is an entity with a name.
                  allOf:
                    - $ref: '#/components/schemas/Entity'
                    - type: object
                      required: [email]
                      properties:
                        email: { type: string }
                        id: { type: string, format: uuid }
                Flattened:
                  allOf:
                    - $ref: '#/components/schemas/Named'
                    - $ref: '#/components/schemas/Audited'
                    - properties:
                        extra: { type: integer, format: int64 }
                Alias:
                  allOf:
                    - $ref: '#/components/schemas/Named'
                  description: Only a reference with a description.
                Tree:
                  type: object
                  properties:
                    value: { type: integer }
                    children:
                      type: array
                      items: { $ref: '#/components/schemas/Tree' }
                    parent: { $ref: '#/components/schemas/Tree' }
            """,
            "composition"
        );
        Snapshot.Match(run.Source(".Models.g.cs"), "Composition.Models");
    }

    [Fact]
    public void Polymorphism_oneOf_with_discriminator_uses_json_polymorphism_and_without_it_a_union()
    {
        var run = Generate(
            """
            openapi: 3.0.3
            info: { title: Zoo, version: '1' }
            paths:
              /animals:
                get:
                  operationId: listAnimals
                  responses:
                    '200':
                      description: Animals.
                      content:
                        application/json:
                          schema:
                            type: array
                            items: { $ref: '#/components/schemas/Animal' }
            components:
              schemas:
                Animal:
                  oneOf:
                    - $ref: '#/components/schemas/Cat'
                    - $ref: '#/components/schemas/Dog'
                  discriminator:
                    propertyName: kind
                    mapping:
                      cat: '#/components/schemas/Cat'
                      dog: '#/components/schemas/Dog'
                Cat:
                  type: object
                  required: [kind]
                  properties:
                    kind: { type: string }
                    lives: { type: integer }
                Dog:
                  type: object
                  required: [kind]
                  properties:
                    kind: { type: string }
                    goodBoy: { type: boolean }
                Shape:
                  type: object
                  required: [shapeType]
                  properties:
                    shapeType: { type: string }
                  discriminator:
                    propertyName: shapeType
                Circle:
                  allOf:
                    - $ref: '#/components/schemas/Shape'
                    - properties:
                        radius: { type: number }
                Square:
                  allOf:
                    - $ref: '#/components/schemas/Shape'
                    - properties:
                        side: { type: number, format: decimal }
                IdOrName:
                  oneOf:
                    - type: integer
                      format: int64
                    - type: string
                    - $ref: '#/components/schemas/Cat'
                MaybeCat:
                  anyOf:
                    - $ref: '#/components/schemas/Cat'
                    - type: 'null'
            """,
            "zoo"
        );
        Snapshot.Match(run.Source(".Models.g.cs"), "Polymorphism.Models");
    }

    [Fact]
    public void Enums_keep_wire_values_that_are_not_identifiers_and_read_unknown_values()
    {
        var run = Generate(
            """
            openapi: 3.0.3
            info: { title: Enums, version: '1' }
            paths:
              /orders:
                get:
                  operationId: listOrders
                  parameters:
                    - name: state
                      in: query
                      schema:
                        type: string
                        enum: [open, in-progress, 'on hold', '2fa', class, '']
                        default: open
                    - name: priority
                      in: query
                      schema: { $ref: '#/components/schemas/Priority' }
                  responses:
                    '204': { description: None. }
            components:
              schemas:
                Priority:
                  type: integer
                  enum: [1, 2, 3]
                  x-enum-descriptions: [Low, Normal, High]
                Color:
                  type: string
                  nullable: true
                  enum: [red, Red, RED, null]
                  description: Spellings that differ only in case stay distinct.
            """,
            "enums"
        );
        Snapshot.Match(run.Source(".Models.g.cs"), "Enums.Models");
        Snapshot.Match(run.Source(".Client.g.cs"), "Enums.Client");
    }

    [Fact]
    public void Nullable_from_openapi_30_nullable_and_31_type_arrays()
    {
        var run = Generate(
            """
            openapi: 3.1.0
            info: { title: Nullable, version: '1' }
            paths: {}
            components:
              schemas:
                Profile:
                  type: object
                  required: [name, nickname, age]
                  properties:
                    name: { type: string }
                    nickname: { type: [string, 'null'] }
                    age: { type: [integer, 'null'], format: int32 }
                    tags: { type: [array, 'null'], items: { type: string } }
                    manager:
                      anyOf:
                        - $ref: '#/components/schemas/Profile'
                        - type: 'null'
                    scores:
                      type: object
                      additionalProperties: { type: [number, 'null'] }
                    birthday: { type: string, format: date }
                    avatar: { type: string, format: byte }
                    homepage: { type: string, format: uri }
                    balance: { type: number, format: decimal, default: 0 }
                    active: { type: boolean, default: true }
            """,
            "nullable"
        );
        Snapshot.Match(run.Source(".Models.g.cs"), "Nullable.Models");
    }

    [Fact]
    public void Multipart_and_form_bodies_become_parameters_or_records()
    {
        var run = Generate(
            """
            openapi: 3.0.3
            info: { title: Files, version: '1' }
            paths:
              /files:
                post:
                  operationId: uploadFiles
                  requestBody:
                    required: true
                    content:
                      multipart/form-data:
                        schema:
                          type: object
                          required: [file]
                          properties:
                            file: { type: string, format: binary }
                            attachments: { type: array, items: { type: string, format: binary } }
                            description: { type: string }
                            labels: { type: array, items: { type: string } }
                  responses:
                    '201': { description: Stored. }
              /tokens:
                post:
                  operationId: createToken
                  requestBody:
                    content:
                      application/x-www-form-urlencoded:
                        schema: { $ref: '#/components/schemas/TokenRequest' }
                  responses:
                    '200':
                      description: The token.
                      content:
                        application/json:
                          schema:
                            type: object
                            properties:
                              access_token: { type: string }
              /raw:
                put:
                  operationId: putRaw
                  requestBody:
                    content:
                      application/octet-stream:
                        schema: { type: string, format: binary }
                  responses:
                    '200':
                      description: Echo.
                      content:
                        text/plain:
                          schema: { type: string }
            components:
              schemas:
                TokenRequest:
                  type: object
                  required: [grant_type]
                  properties:
                    grant_type: { type: string }
                    scope: { type: string }
            """,
            "files"
        );
        Snapshot.Match(run.Source(".Client.g.cs"), "Multipart.Client");
    }

    [Fact]
    public void Security_schemes_become_auth_methods_with_the_top_level_requirement_as_default()
    {
        var run = Generate(
            """
            openapi: 3.0.3
            info: { title: Secure, version: '1' }
            servers:
              - url: https://{tenant}.secure.example.com:{port}/{version}
                variables:
                  tenant: { default: acme, description: Your tenant. }
                  port: { default: '8443' }
                  version: { default: v2, enum: [v1, v2] }
            security:
              - oauth: [read]
            paths:
              /me:
                get:
                  operationId: getMe
                  responses:
                    '204': { description: None. }
            components:
              securitySchemes:
                key:
                  type: apiKey
                  in: query
                  name: api_key
                cookieKey:
                  type: apiKey
                  in: cookie
                  name: session
                basic:
                  type: http
                  scheme: basic
                bearer:
                  type: http
                  scheme: bearer
                  bearerFormat: JWT
                oauth:
                  type: oauth2
                  flows:
                    authorizationCode:
                      authorizationUrl: /oauth/authorize
                      tokenUrl: https://auth.example.com/token
                      scopes: { read: Read things, write: Write things }
                    clientCredentials:
                      tokenUrl: https://auth.example.com/token
                      scopes: { admin: Everything }
                oidc:
                  type: openIdConnect
                  openIdConnectUrl: https://auth.example.com/.well-known/openid-configuration
            """,
            "secure"
        );
        Snapshot.Match(run.Source(".Client.g.cs"), "Security.Client");
    }
}
