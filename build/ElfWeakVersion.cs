// Marks a version requirement of an ELF shared library as weak (VER_FLG_WEAK) so that the
// dynamic loader accepts a system library that lacks that version.
//
// Why: TorchSharp 0.107's libLibTorchSharp.so was linked against a libstdc++ that defines
// GLIBCXX_3.4.32 and records a need for it, only for `_ZSt21ios_base_library_initv`, a symbol
// it never calls. Debian 12's libstdc++ stops at GLIBCXX_3.4.30, so the loader refuses the
// library and TorchSharp reports DllNotFoundException. A weak version need is checked by the
// loader only as a warning, so the library loads and runs unchanged.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory as the build task (see
// TorchSharpNativeFix.targets) and by the kernel (apps/kernel, with ELF_WEAK_VERSION_NO_TASK), whose
// `srgan-kernel dotnet-interactive setup` applies the same patch to the NuGet cache's copy that
// .NET Interactive loads; the tests use the kernel's compiled copy.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
#if !ELF_WEAK_VERSION_NO_TASK
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

namespace SrganWorkbench.Build
{
    public static class ElfWeakVersion
    {
        const uint ShtGnuVerneed = 0x6ffffffe;
        const ushort VerFlgWeak = 0x2;

        /// <summary>Outcome of <see cref="MakeWeak"/>.</summary>
        public enum Result { Patched, AlreadyWeak, NotNeeded, NotElf64 }

        /// <summary>
        /// Sets VER_FLG_WEAK on the version need named <paramref name="versionName"/> in the
        /// file's .gnu.version_r section. Returns what it did; writes only when a flag changes,
        /// and keeps the file's modification time so incremental copies stay incremental.
        /// </summary>
        public static Result MakeWeak(string path, string versionName)
        {
            byte[] elf = File.ReadAllBytes(path);
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F'
                || elf[4] != 2 /* ELFCLASS64 */ || elf[5] != 1 /* little-endian */)
                return Result.NotElf64;

            var flagOffsets = FindVernauxFlagOffsets(elf, versionName);
            if (flagOffsets.Count == 0) return Result.NotNeeded;

            bool changed = false;
            foreach (int offset in flagOffsets)
            {
                ushort flags = BitConverter.ToUInt16(elf, offset);
                if ((flags & VerFlgWeak) != 0) continue;
                flags |= VerFlgWeak;
                elf[offset] = (byte)(flags & 0xff);
                elf[offset + 1] = (byte)(flags >> 8);
                changed = true;
            }
            if (!changed) return Result.AlreadyWeak;

            DateTime mtime = File.GetLastWriteTimeUtc(path);
            string temp = path + ".weak-version.tmp";
            File.WriteAllBytes(temp, elf);
            File.Replace(temp, path, null); // atomic rename over the original (netstandard2.0 API: MSBuild compiles this file)
            File.SetLastWriteTimeUtc(path, mtime);
            return Result.Patched;
        }

        /// <summary>True when the version need is present and already weak.</summary>
        public static bool IsWeak(string path, string versionName)
        {
            byte[] elf = File.ReadAllBytes(path);
            var offsets = FindVernauxFlagOffsets(elf, versionName);
            if (offsets.Count == 0) return false;
            foreach (int offset in offsets)
                if ((BitConverter.ToUInt16(elf, offset) & VerFlgWeak) == 0) return false;
            return true;
        }

        /// <summary>Byte offsets of vna_flags for every Vernaux entry with the given name.</summary>
        public static List<int> FindVernauxFlagOffsets(byte[] elf, string versionName)
        {
            var result = new List<int>();
            long shoff = BitConverter.ToInt64(elf, 0x28);
            int shentsize = BitConverter.ToUInt16(elf, 0x3A);
            int shnum = BitConverter.ToUInt16(elf, 0x3C);
            if (shoff <= 0 || shentsize < 64 || shoff + (long)shentsize * shnum > elf.Length) return result;

            for (int i = 0; i < shnum; i++)
            {
                int sh = checked((int)(shoff + (long)i * shentsize));
                if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
                int sectionOffset = checked((int)BitConverter.ToInt64(elf, sh + 0x18));
                int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);    // string table section index
                int needCount = (int)BitConverter.ToUInt32(elf, sh + 0x2C); // number of Verneed entries
                int strSh = checked((int)(shoff + (long)link * shentsize));
                int strOffset = checked((int)BitConverter.ToInt64(elf, strSh + 0x18));

                int vn = sectionOffset;
                for (int n = 0; n < needCount; n++)
                {
                    int auxCount = BitConverter.ToUInt16(elf, vn + 2);
                    int vna = vn + (int)BitConverter.ToUInt32(elf, vn + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        int nameOffset = (int)BitConverter.ToUInt32(elf, vna + 8);
                        if (ReadCString(elf, strOffset + nameOffset) == versionName) result.Add(vna + 4);
                        int next = (int)BitConverter.ToUInt32(elf, vna + 12);
                        if (next == 0) break;
                        vna += next;
                    }
                    int vnNext = (int)BitConverter.ToUInt32(elf, vn + 12);
                    if (vnNext == 0) break;
                    vn += vnNext;
                }
            }
            return result;
        }

        /// <summary>True when the library file defines (contains the name of) the version.</summary>
        public static bool LibraryHasVersion(string libraryPath, string versionName)
        {
            byte[] needle = Encoding.ASCII.GetBytes(versionName + "\0");
            byte[] hay = File.ReadAllBytes(libraryPath);
            for (int i = 0; i + needle.Length <= hay.Length; i++)
            {
                int k = 0;
                while (k < needle.Length && hay[i + k] == needle[k]) k++;
                if (k == needle.Length) return true;
            }
            return false;
        }

        /// <summary>
        /// Whether the system's libstdc++ defines the version: true or false, or null when no
        /// libstdc++.so.6 is found (then nothing should be patched).
        /// </summary>
        public static bool? SystemLibStdCxxHasVersion(string versionName)
        {
            bool foundAny = false;
            foreach (string lib in SystemLibStdCxx())
            {
                foundAny = true;
                if (LibraryHasVersion(lib, versionName)) return true;
            }
            return foundAny ? false : (bool?)null;
        }

        /// <summary>The system's libstdc++.so.6 files, in the loader's usual search folders.</summary>
        public static IEnumerable<string> SystemLibStdCxx()
        {
            string[] folders =
            {
                "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                "/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
            };
            foreach (string folder in folders)
            {
                string candidate = Path.Combine(folder, "libstdc++.so.6");
                if (File.Exists(candidate)) yield return candidate;
            }
        }

        static string ReadCString(byte[] bytes, int offset)
        {
            int end = offset;
            while (end < bytes.Length && bytes[end] != 0) end++;
            return Encoding.ASCII.GetString(bytes, offset, end - offset);
        }
    }

#if !ELF_WEAK_VERSION_NO_TASK
    /// <summary>MSBuild task: weaken <c>VersionName</c> in each file when the system lacks it.</summary>
    public class WeakenElfVersionNeed : Task
    {
        [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
        [Required] public string VersionName { get; set; } = "";

        public override bool Execute()
        {
            if (Files.Length == 0) return true;
            bool? systemHasIt = ElfWeakVersion.SystemLibStdCxxHasVersion(VersionName);
            if (systemHasIt == null)
            {
                Log.LogMessage(MessageImportance.Low, "No system libstdc++.so.6 found; leaving TorchSharp's native library as shipped.");
                return true;
            }
            if (systemHasIt == true)
            {
                Log.LogMessage(MessageImportance.Low, $"System libstdc++ defines {VersionName}; no patch needed.");
                return true;
            }
            foreach (ITaskItem file in Files)
            {
                var result = ElfWeakVersion.MakeWeak(file.ItemSpec, VersionName);
                var importance = result == ElfWeakVersion.Result.Patched ? MessageImportance.High : MessageImportance.Low;
                Log.LogMessage(importance, $"{file.ItemSpec}: {VersionName} need {result} (system libstdc++ lacks it).");
            }
            return true;
        }
    }
#endif
}
