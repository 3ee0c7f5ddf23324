using Xunit.Abstractions;

namespace ConformanceTests;

// xUnit runs test classes in parallel and the cases of one class in order: the corpus is split over three classes,
// the largest documents in different ones, so two cores stay busy.

/// <summary>The dev corpus, first third (by size, round-robin).</summary>
public sealed class CorpusConformanceA(ITestOutputHelper output)
{
    public static TheoryData<string> Documents() => Split.Corpus(0);

    [Theory]
    [MemberData(nameof(Documents))]
    public Task Operations_behave_as_the_document_says(string document) =>
        ConformanceRun.CheckAsync("dev corpus", Inputs.Corpus(document), output);
}

/// <summary>The dev corpus, second third.</summary>
public sealed class CorpusConformanceB(ITestOutputHelper output)
{
    public static TheoryData<string> Documents() => Split.Corpus(1);

    [Theory]
    [MemberData(nameof(Documents))]
    public Task Operations_behave_as_the_document_says(string document) =>
        ConformanceRun.CheckAsync("dev corpus", Inputs.Corpus(document), output);
}

/// <summary>The dev corpus, last third.</summary>
public sealed class CorpusConformanceC(ITestOutputHelper output)
{
    public static TheoryData<string> Documents() => Split.Corpus(2);

    [Theory]
    [MemberData(nameof(Documents))]
    public Task Operations_behave_as_the_document_says(string document) =>
        ConformanceRun.CheckAsync("dev corpus", Inputs.Corpus(document), output);
}

/// <summary>The platform payloads of ../shared/seed-examples.</summary>
public sealed class SeedConformance(ITestOutputHelper output)
{
    public static TheoryData<string> Seeds()
    {
        var data = new TheoryData<string>();
        foreach (var name in Inputs.SeedNames())
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void The_seeds_are_the_eleven_payloads() => Assert.Equal(11, Inputs.SeedNames().Count);

    [Theory]
    [MemberData(nameof(Seeds))]
    public Task Operations_behave_as_the_payload_says(string seed) => ConformanceRun.CheckAsync("seeds", Inputs.Seed(seed), output);
}

/// <summary>Connector files and documents the test projects and the sample own.</summary>
public sealed class OwnedConformance(ITestOutputHelper output)
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var name in Inputs.OwnedNames())
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public Task Operations_behave_as_the_file_says(string file) =>
        ConformanceRun.CheckAsync("test-owned files", Inputs.Owned(file), output);
}

internal static class Split
{
    public static TheoryData<string> Corpus(int part)
    {
        var data = new TheoryData<string>();
        var bySize = Inputs
            .CorpusNames()
            .OrderByDescending(n => new FileInfo(Path.Combine(Inputs.CorpusDir, n)).Length)
            .ThenBy(n => n, StringComparer.Ordinal)
            .ToList();
        for (var i = part; i < bySize.Count; i += 3)
        {
            data.Add(bySize[i]);
        }

        return data;
    }
}
