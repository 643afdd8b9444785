; NOT RUN: this Inno Setup script has never been compiled or installed. Care Planner was developed on Linux
; with no Windows machine; see docs/installing.md for what was verified where.
;
; A per-machine installer for the one-folder app that installer\careplanner.spec builds in dist\careplanner\.
; Built by installer\build-windows.ps1 (ISCC.exe /DAppVersion=x.y.z installer\careplanner.iss).
;
; The program goes in Program Files for every user; each Windows user's store, logs and backups stay in
; their own %LOCALAPPDATA%\CarePlanner, and their key in their own Windows Credential Manager. Uninstalling
; removes the program only, never a store.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
; Never change AppId: Windows uses it to recognise upgrades of the same app.
AppId={{7505ECEE-E37F-4912-A285-94A2C3815E05}
AppName=Care Planner
AppVersion={#AppVersion}
AppPublisher=Care Planner
DefaultDirName={autopf}\Care Planner
DefaultGroupName=Care Planner
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\dist
OutputBaseFilename=careplanner-{#AppVersion}-windows-x64-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\careplanner.exe
UninstallDisplayName=Care Planner {#AppVersion}
; Replacing files of a running copy would leave a half-upgraded program.
CloseApplications=yes

[Files]
Source: "..\dist\careplanner\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Care Planner"; Filename: "{app}\careplanner.exe"
Name: "{autoprograms}\Care Planner (demo, synthetic people)"; Filename: "{app}\careplanner.exe"; Parameters: "demo"

[Run]
Filename: "{app}\careplanner.exe"; Description: "Open Care Planner"; Flags: nowait postinstall skipifsilent runasoriginaluser
