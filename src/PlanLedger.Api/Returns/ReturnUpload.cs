using System.IO.Compression;
using System.Security.Cryptography;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;

namespace PlanLedger.Returns;

/// <summary>A file's records one at a time (a malformed record throws <see cref="FormatException"/> saying where).</summary>
public interface IRecords : IDisposable
{
    /// <summary>The next record's cells; null at the end of the file.</summary>
    IReadOnlyList<string>? Next();
}

/// <summary>
/// An uploaded return file, spooled to a temporary file as it arrives (capped at <see cref="Limits.ReturnFileBytes"/>,
/// hashed on the way, so a retry is recognised by its bytes) and then read back a record at a time: the upload is
/// never held in memory, and an xlsx zip gets the seekable stream it needs.
/// </summary>
public sealed class ReturnUpload : IAsyncDisposable
{
    private readonly FileStream _file;
    public string Sha256 { get; }
    public bool IsWorkbook { get; }

    private ReturnUpload(FileStream file, string sha256, bool workbook) => (_file, Sha256, IsWorkbook) = (file, sha256, workbook);

    /// <summary>The spooled upload, or a 413 naming the limit when the body is larger than it.</summary>
    public static async Task<(ReturnUpload? Upload, IResult? TooLarge)> SpoolAsync(Stream body, bool workbook, CancellationToken token)
    {
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"planledger-return-{Guid.NewGuid():N}"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, token)) > 0)
        {
            length += read;
            if (length > Limits.ReturnFileBytes)
            {
                await file.DisposeAsync();
                return (null, TooLarge($"A return file is limited to {Limits.ReturnFileBytes} bytes ({Limits.ReturnFileBytes / (1024 * 1024)} MiB).", "file"));
            }
            hash.AppendData(buffer, 0, read);
            await file.WriteAsync(buffer.AsMemory(0, read), token);
        }
        await file.FlushAsync(token);
        return (new ReturnUpload(file, Convert.ToHexString(hash.GetHashAndReset()), workbook), null);
    }

    public static IResult TooLarge(string detail, string field) => Problems.Result(413, "Return file too large", detail, field);

    /// <summary>The file's records from the start; a workbook that cannot be opened throws (see <see cref="IsMalformed"/>).</summary>
    public IRecords Records()
    {
        _file.Position = 0;
        if (!IsWorkbook) return new CsvReader(new StreamReader(_file, leaveOpen: true));
        using (var zip = new ZipArchive(_file, ZipArchiveMode.Read, leaveOpen: true))
            if (zip.Entries.Sum(e => e.Length) > Limits.ReturnWorkbookUnpackedBytes)
                throw new FormatException($"Its parts unpack to more than {Limits.ReturnWorkbookUnpackedBytes} bytes.");
        _file.Position = 0;
        return XlsxRecords.Open(_file);
    }

    public static bool IsMalformed(Exception e) =>
        e is FormatException or InvalidDataException or DocumentFormat.OpenXml.Packaging.OpenXmlPackageException or IOException or System.Xml.XmlException;

    public ValueTask DisposeAsync() => _file.DisposeAsync();
}
